package state

import (
	"syscall"
	"unsafe"
)

// hugeMin is the least allocation worth advising: a few huge pages.
const hugeMin = 8 << 20

// adviseHuge asks the kernel to back the memory of s with transparent
// huge pages, if it is large. The visited set's table and arena are
// probed at random: with 4 KiB pages nearly every probe of a large store
// also misses the TLB, and every page is a fault on first touch, which
// costs a virtual machine dearly. Systems that set transparent huge
// pages to "madvise" (Debian's default) use them only where asked. The
// advice is a hint: an error, or a kernel without THP, changes nothing.
func adviseHuge[T any](s []T) {
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
