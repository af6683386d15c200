// bbolt-ref runs the workload of `fastkvutl db bench` against the reference bbolt (Debian's
// golang-github-coreos-bbolt-dev), so both can be measured side by side on one machine in one
// run (see ../bolt-vs-bbolt.sh). Phases and output lines match fastkvutl's: write --count keys in
// --batch-size transactions, then random gets in a shuffled order and full cursor scans, each
// repeated for --read-seconds.
package main

import (
	"encoding/binary"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"time"

	bolt "reference/bbolt" // Debian's bbolt, linked in by the build (GoProgram.cs, bolt-vs-bbolt.sh)
)

func report(what string, elapsed time.Duration, ops int64) {
	perOp := float64(elapsed.Nanoseconds()) / float64(ops)
	fmt.Printf("# %-10s\t%v\t(%.0fns/op)\t(%.0f op/sec)\n", what, elapsed, perOp, float64(ops)/elapsed.Seconds())
}

func main() {
	count := flag.Int("count", 1000, "keys to write")
	batch := flag.Int("batch-size", 0, "keys per write transaction (0: all)")
	mode := flag.String("write-mode", "seq", "seq or rnd")
	keySize := flag.Int("key-size", 8, "key size in bytes (>= 4)")
	valueSize := flag.Int("value-size", 32, "value size in bytes")
	noSync := flag.Bool("no-sync", false, "skip fdatasync on commit")
	fill := flag.Float64("fill-percent", 0.5, "fill percent of split pages")
	readSeconds := flag.Float64("read-seconds", 1, "duration of each read phase")
	seed := flag.Int64("seed", 1, "seed for keys and get order")
	flag.Parse()
	if *batch <= 0 {
		*batch = *count
	}

	dir, err := os.MkdirTemp("", "bbolt-ref-")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	db, err := bolt.Open(filepath.Join(dir, "bench.db"), 0600, nil)
	if err != nil {
		panic(err)
	}
	defer db.Close()
	db.NoSync = *noSync

	r := rand.New(rand.NewSource(*seed))
	keys := make([][]byte, *count)
	for i := range keys {
		keys[i] = make([]byte, *keySize)
		if *mode == "rnd" {
			r.Read(keys[i])
		} else {
			binary.BigEndian.PutUint32(keys[i][*keySize-4:], uint32(i))
		}
	}
	value := make([]byte, *valueSize)
	name := []byte("bench")

	start := time.Now()
	for i := 0; i < len(keys); i += *batch {
		err := db.Update(func(tx *bolt.Tx) error {
			b, err := tx.CreateBucketIfNotExists(name)
			if err != nil {
				return err
			}
			b.FillPercent = *fill
			for j := i; j < i+*batch && j < len(keys); j++ {
				if err := b.Put(keys[j], value); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			panic(err)
		}
	}
	report("Write", time.Since(start), int64(len(keys)))

	order := make([][]byte, len(keys))
	copy(order, keys)
	rand.New(rand.NewSource(*seed + 1)).Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	var gets, missing int64
	start = time.Now()
	db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(name)
		for {
			for _, k := range order {
				if b.Get(k) == nil {
					missing++
				}
			}
			gets += int64(len(order))
			if time.Since(start).Seconds() >= *readSeconds {
				return nil
			}
		}
	})
	report("Get (rnd)", time.Since(start), gets)
	if missing > 0 {
		fmt.Fprintf(os.Stderr, "%d gets missed\n", missing)
		os.Exit(1)
	}

	var scanned int64
	start = time.Now()
	db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(name)
		for {
			c := b.Cursor()
			for k, _ := c.First(); k != nil; k, _ = c.Next() {
				scanned++
			}
			if time.Since(start).Seconds() >= *readSeconds {
				return nil
			}
		}
	})
	report("Scan", time.Since(start), scanned)
}
