// bboltgen writes bolt files with the reference bbolt through many transactions of random puts,
// deletes, nested buckets, sequences and overflow values, so FastKv's checker can be shown to
// accept everything the reference writer produces (splits, merges, rebalances, freelist reuse).
//
//	bboltgen FILE SEED persist|nofreelistsync
package main

import (
	"encoding/binary"
	"fmt"
	"math/rand"
	"os"
	"strconv"

	bolt "reference/bbolt" // Debian's bbolt, linked in by the build (GoProgram.cs, bolt-vs-bbolt.sh)
)

func key(r *rand.Rand) []byte {
	k := make([]byte, 4+r.Intn(12))
	binary.BigEndian.PutUint32(k, uint32(r.Intn(4000)))
	return k
}

func value(r *rand.Rand) []byte {
	if r.Intn(200) == 0 {
		return make([]byte, 5000+r.Intn(20000)) // overflow pages
	}
	return make([]byte, r.Intn(300))
}

func churn(b *bolt.Bucket, r *rand.Rand, ops int) error {
	for i := 0; i < ops; i++ {
		k := key(r)
		if r.Intn(10) < 4 {
			if err := b.Delete(k); err != nil {
				return err
			}
			continue
		}
		if err := b.Put(k, value(r)); err != nil {
			return err
		}
	}
	return nil
}

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: bboltgen FILE SEED persist|nofreelistsync")
		os.Exit(2)
	}
	seed, _ := strconv.ParseInt(os.Args[2], 10, 64)
	r := rand.New(rand.NewSource(seed))
	db, err := bolt.Open(os.Args[1], 0600, &bolt.Options{NoFreelistSync: os.Args[3] == "nofreelistsync"})
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	defer db.Close()
	db.NoSync = true
	for tx := 0; tx < 60; tx++ {
		err := db.Update(func(t *bolt.Tx) error {
			a, err := t.CreateBucketIfNotExists([]byte("a"))
			if err != nil {
				return err
			}
			if err := churn(a, r, 300); err != nil {
				return err
			}
			if r.Intn(8) == 0 {
				if err := a.DeleteBucket([]byte("nested")); err != nil && err != bolt.ErrBucketNotFound {
					return err
				}
			}
			nested, err := a.CreateBucketIfNotExists([]byte("nested"))
			if err != nil {
				return err
			}
			if _, err := nested.NextSequence(); err != nil {
				return err
			}
			if err := churn(nested, r, 40); err != nil {
				return err
			}
			small, err := t.CreateBucketIfNotExists([]byte("small"))
			if err != nil {
				return err
			}
			return small.Put([]byte(fmt.Sprintf("k%d", r.Intn(5))), []byte("v"))
		})
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
	}
	err = db.View(func(t *bolt.Tx) error {
		for err := range t.Check() {
			return err
		}
		return nil
	})
	if err != nil {
		fmt.Println("error: bbolt's own check:", err)
		os.Exit(1)
	}
	fmt.Println("ok")
}
