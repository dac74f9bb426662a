package state

import (
	"math/rand/v2"
	"testing"
)

// TestFPSetRandom checks an FPSet against a map on random inserts with
// duplicates, across growth, renumbering the ids it holds at each Grow.
func TestFPSetRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	s := NewFPSet()
	ids := map[uint64]uint32{}     // fingerprint -> id
	parents := map[uint64]uint64{} // fingerprint -> parent fingerprint, or 0
	var fps []uint64
	grows := 0
	for range 200000 {
		var fp uint64
		if len(fps) > 0 && r.IntN(3) == 0 {
			fp = fps[r.IntN(len(fps))]
		} else {
			fp = r.Uint64() | 2 // never 0 or 1, which are one
		}
		if s.Full() {
			remap := s.Grow()
			for k, id := range ids {
				ids[k] = remap[id]
			}
			grows++
		}
		var parent uint32 = NoParent
		var pfp uint64
		if len(fps) > 0 {
			pfp = fps[r.IntN(len(fps))]
			parent = ids[pfp]
		}
		id, added := s.Insert(fp, parent)
		want, seen := ids[fp]
		if added == seen || seen && id != want {
			t.Fatalf("Insert(%#x) = %d, %v; want %d, %v", fp, id, added, want, !seen)
		}
		if added {
			ids[fp] = id
			parents[fp] = pfp
			fps = append(fps, fp)
		}
	}
	if grows < 10 {
		t.Errorf("only %d grows", grows)
	}
	if s.Len() != len(fps) {
		t.Fatalf("Len = %d, want %d", s.Len(), len(fps))
	}
	for _, fp := range fps {
		id, ok := s.Lookup(fp)
		if !ok || id != ids[fp] || int(id) >= s.Slots() {
			t.Fatalf("Lookup(%#x) = %d, %v; want %d", fp, id, ok, ids[fp])
		}
		want := uint32(NoParent)
		if p := parents[fp]; p != 0 {
			want = ids[p]
		}
		if got := s.Parent(id); got != want {
			t.Fatalf("Parent(%d) = %d, want %d", id, got, want)
		}
	}
	if _, ok := s.Lookup(12345); ok {
		t.Error("Lookup found a fingerprint never inserted")
	}
	// Load stays within its bounds, so a state takes at most 16 bytes.
	if load := float64(s.Len()) / float64(s.Slots()); load < fpGrowLoad*0.99 || load > fpMaxLoad {
		t.Errorf("load %.3f", load)
	}
	if b := float64(s.Bytes()) / float64(s.Len()); b > 16 {
		t.Errorf("%.1f bytes a state", b)
	}
}

func TestFPSetZero(t *testing.T) {
	s := NewFPSet()
	id, added := s.Insert(0, NoParent)
	if !added {
		t.Fatal("Insert(0) not added")
	}
	if got, ok := s.Lookup(1); !ok || got != id {
		t.Errorf("fingerprints 0 and 1 are not one: Lookup(1) = %d, %v", got, ok)
	}
	if s.Parent(id) != NoParent {
		t.Errorf("Parent = %d", s.Parent(id))
	}
}

func TestFPSetFullPanics(t *testing.T) {
	s := NewFPSet()
	for i := uint64(2); !s.Full(); i++ {
		s.Insert(i*0x9e3779b97f4a7c15, NoParent)
	}
	defer func() {
		if recover() == nil {
			t.Error("Insert into a full set did not panic")
		}
	}()
	s.Insert(1, NoParent)
}

func TestMissProbability(t *testing.T) {
	for _, tt := range []struct {
		n    int64
		want float64
	}{{0, 0}, {1, 0}, {1 << 20, 2.98e-8}, {1 << 32, 0.5}} {
		if got := MissProbability(tt.n); got < tt.want*0.99 || got > tt.want*1.01+1e-300 {
			t.Errorf("MissProbability(%d) = %g, want %g", tt.n, got, tt.want)
		}
	}
}

func BenchmarkFPSetInsert(b *testing.B) {
	s := NewFPSet()
	fp := uint64(1)
	for b.Loop() {
		if s.Full() {
			s.Grow()
		}
		fp = fp*6364136223846793005 + 1442695040888963407
		s.Insert(fp, 0)
	}
	b.ReportMetric(float64(s.Bytes())/float64(s.Len()), "B/state")
}
