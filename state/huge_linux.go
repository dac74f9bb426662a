package state

import (
	"syscall"
	"unsafe"
)

// hugeMin is the least allocation worth advising: it holds at least one
// whole huge page wherever it starts.
const hugeMin = 4 << 20

// AdviseHuge asks the kernel to back the memory of s with transparent
// huge pages, if it is large. The visited set's table and arena are
// probed at random: with 4 KiB pages nearly every probe of a large store
// also misses the TLB. And every page is a fault on first touch, which
// costs a virtual machine dearly: on the machine of docs/performance.md,
// touching 64 MiB of fresh memory takes 230 ms in 4 KiB pages and 110 ms
// in huge pages, so the search's other large blocks (the edge table,
// the columns) are advised too. Systems that set transparent huge pages
// to "madvise" (Debian's default) use them only where asked. The advice
// is a hint: an error, or a kernel without THP, changes nothing.
func AdviseHuge[T any](s []T) {
	n := uintptr(cap(s)) * unsafe.Sizeof(*new(T))
	if n < hugeMin {
		return
	}
	const page = 2 << 20
	p := unsafe.Pointer(unsafe.SliceData(s[:1]))
	start := uintptr(p)
	lo := (start + page - 1) &^ (page - 1)
	hi := (start + n) &^ (page - 1)
	if hi <= lo {
		return
	}
	b := unsafe.Slice((*byte)(unsafe.Add(p, lo-start)), hi-lo)
	_ = syscall.Madvise(b, 14) // MADV_HUGEPAGE
}
