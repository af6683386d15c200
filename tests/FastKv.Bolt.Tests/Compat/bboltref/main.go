// bboltref drives the reference bbolt (Debian's golang-github-coreos-bbolt-dev) for FastKv's
// compatibility tests.
//
//	bboltref check FILE   opens FILE with bbolt, runs its consistency check, walks every bucket,
//	                      and prints "ok buckets=N keys=M sum=H" (H: FNV-64a over paths, keys, values)
//	bboltref write FILE   writes a file exercising nested, inline and overflow buckets, then prints the same summary
package main

import (
	"fmt"
	"hash/fnv"
	"os"

	bolt "reference/bbolt" // Debian's bbolt, linked in by the build (GoProgram.cs, bolt-vs-bbolt.sh)
)

type summary struct {
	buckets, keys int
	sum           uint64
}

func walk(b *bolt.Bucket, path string, s *summary) error {
	s.buckets++
	return b.ForEach(func(k, v []byte) error {
		h := fnv.New64a()
		h.Write([]byte(path))
		h.Write(k)
		if v == nil {
			return walk(b.Bucket(k), path+"/"+string(k), s)
		}
		h.Write(v)
		s.keys++
		s.sum += h.Sum64()
		return nil
	})
}

func summarize(db *bolt.DB) (summary, error) {
	var s summary
	err := db.View(func(tx *bolt.Tx) error {
		for err := range tx.Check() {
			return fmt.Errorf("check: %v", err)
		}
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			return walk(b, string(name), &s)
		})
	})
	return s, err
}

func write(db *bolt.DB) error {
	return db.Update(func(tx *bolt.Tx) error {
		big, err := tx.CreateBucket([]byte("big"))
		if err != nil {
			return err
		}
		for i := 0; i < 3000; i++ {
			if err := big.Put([]byte(fmt.Sprintf("key-%06d", i)), make([]byte, i%500)); err != nil {
				return err
			}
		}
		if err := big.Put([]byte("overflow"), make([]byte, 100000)); err != nil {
			return err
		}
		small, err := tx.CreateBucket([]byte("small"))
		if err != nil {
			return err
		}
		if err := small.Put([]byte("a"), []byte("1")); err != nil {
			return err
		}
		nested, err := big.CreateBucket([]byte("nested"))
		if err != nil {
			return err
		}
		if _, err := nested.NextSequence(); err != nil {
			return err
		}
		return nested.Put([]byte("x"), []byte("y"))
	})
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: bboltref check|write FILE")
		os.Exit(2)
	}
	readOnly := os.Args[1] == "check"
	db, err := bolt.Open(os.Args[2], 0600, &bolt.Options{ReadOnly: readOnly})
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	defer db.Close()
	if os.Args[1] == "write" {
		if err := write(db); err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
	}
	s, err := summarize(db)
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	fmt.Printf("ok buckets=%d keys=%d sum=%d\n", s.buckets, s.keys, s.sum)
}
