package explore

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"sync/atomic"
	"time"
)

// A monitor watches a run from beside the search loop. Its goroutine
// raises due at every progress interval and when the context is done; the
// loop tests only that flag, once a state, and calls poll when it is up,
// so the clock, the context and the heap are read once an interval.
type monitor struct {
	due      atomic.Bool
	ctx      context.Context
	timeout  time.Duration
	out      io.Writer
	terminal bool
	start    time.Time
	quit     chan struct{}
	exited   chan struct{}
	drawn    bool // a progress line is on the terminal
	peakHeap uint64
}

func startMonitor(ctx context.Context, opt Options, start time.Time) *monitor {
	m := &monitor{
		ctx:      ctx,
		timeout:  opt.Timeout,
		out:      opt.Progress,
		terminal: opt.Terminal,
		start:    start,
		quit:     make(chan struct{}),
		exited:   make(chan struct{}),
	}
	interval := opt.ProgressInterval
	if interval <= 0 {
		interval = time.Second
	}
	go func() {
		defer close(m.exited)
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for {
			select {
			case <-tick.C:
				m.due.Store(true)
			case <-ctx.Done():
				m.due.Store(true)
				return
			case <-m.quit:
				return
			}
		}
	}()
	return m
}

// poll samples the heap, prints a progress line of the search, and
// returns why the run must stop, if it must.
func (m *monitor) poll(states, queue, depth int) (stop string) {
	return m.report(func(elapsed float64) string {
		return fmt.Sprintf("  states %d  queue %d  depth %d  %s states/s  %.1f s",
			states, queue, depth, si(float64(states)/elapsed), elapsed)
	})
}

// pollHang is poll for the hang check, which has visited done of the
// states and holds stack of them on its stacks.
func (m *monitor) pollHang(done, states, stack int) (stop string) {
	return m.report(func(elapsed float64) string {
		return fmt.Sprintf("  hang check  states %d/%d  stack %d  %.1f s", done, states, stack, elapsed)
	})
}

// pollReach is poll for the hang check's reach pass (reach.go), in its
// sweep over states.
func (m *monitor) pollReach(sweep, states int) (stop string) {
	return m.report(func(elapsed float64) string {
		return fmt.Sprintf("  hang check  sweep %d over %d states  %.1f s", sweep+1, states, elapsed)
	})
}

// report samples the heap, prints the progress line that line formats
// from the seconds elapsed, and returns why the run must stop, if it must.
func (m *monitor) report(line func(elapsed float64) string) (stop string) {
	m.due.Store(false)
	m.sampleHeap()
	if m.out != nil {
		line := line(time.Since(m.start).Seconds())
		if m.terminal {
			fmt.Fprintf(m.out, "\r%s\x1b[K", line)
			m.drawn = true
		} else {
			fmt.Fprintln(m.out, line)
		}
	}
	return m.stopReason()
}

// stopReason returns why the context is done, or "" if it is not.
func (m *monitor) stopReason() string {
	if m.ctx.Err() == nil {
		return ""
	}
	if context.Cause(m.ctx) == errTimeout {
		return fmt.Sprintf("timeout %v", m.timeout)
	}
	return "interrupted"
}

// stop ends the goroutine, clears the progress line, and takes the last
// heap sample.
func (m *monitor) stop() {
	close(m.quit)
	<-m.exited
	if m.drawn {
		fmt.Fprint(m.out, "\r\x1b[K")
	}
	m.sampleHeap()
}

func (m *monitor) sampleHeap() {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	m.peakHeap = max(m.peakHeap, ms.HeapInuse)
}

// si formats x compactly with a metric suffix: 950, 12.3k, 2.1M.
func si(x float64) string {
	switch {
	case x >= 1e9:
		return fmt.Sprintf("%.1fG", x/1e9)
	case x >= 1e6:
		return fmt.Sprintf("%.1fM", x/1e6)
	case x >= 1e3:
		return fmt.Sprintf("%.1fk", x/1e3)
	}
	return fmt.Sprintf("%.0f", x)
}
