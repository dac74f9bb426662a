/*
 * scale.pml: a hand-written Promela encoding of bench/scale.ipi, the
 * benchmark protocol of docs/performance.md, for SPIN: scripts/bench.sh
 * (make bench) times it next to ipicheck and Rumur (bench/murphi/scale.m).
 *
 * Every CPU does ROUNDS synchronous flushes to all other CPUs under the
 * fixed Alpha IPI protocol: senders run with IRQs off and take the IPI
 * lock with a trylock, draining their own mailbox while it is busy; a
 * wripir() edge that reaches a CPU running at IPL 7 (the dev interrupt)
 * is lost; the RTC interrupt polls the mailbox and rescues lost edges.
 *
 * Params: preprocessor macros, set with spin -D: CPUS (2..8, default 3),
 * ROUNDS (1..4, default 1). RESCUE (default 1) is not a param of
 * scale.ipi: -DRESCUE=0 replaces the rtc handler's body by skip, the
 * broken variant that hangs (ipicheck says HANG on scale.ipi with the rtc
 * handler's body replaced by "skip;").
 *
 *   spin -DCPUS=3 -DROUNDS=1 -a scale.pml
 *   cc -O2 -DSAFETY -DNOCLAIM -o pan_safety pan.c && ./pan_safety -m1000000
 *   cc -O2 -o pan_hang pan.c && ./pan_hang -a -f -m1000000
 *
 * Encoding. One process per CPU (proctype cpu) runs the thread; its
 * interrupts are nondeterministic entries into the handler code, inlined
 * where the CPU can take them. The steps are ipicheck's (docs/language.md,
 * "Execution model and step granularity"): each statement that touches
 * shared data is one transition, each of ipicheck's atomic blocks is an
 * atomic or d_step, taking an interrupt and returning from it are
 * transitions of their own, local-only code is folded into the step
 * before it where Promela allows (a remaining local-only transition, such
 * as a branch on a local, is invisible to the other CPUs and changes no
 * verdict, only the state count). A handler starts with IRQs off and none
 * of them enables IRQs, so they never nest: one entry per line, taken when
 * the CPU's IRQs are on and it runs no handler (the "level" test of
 * ipicheck: dev is level 7, rtc and ipi level 5, all above task context).
 * The timers dev and rtc are always raised; ipi has a pending bit.
 * Interrupt points are where the CPU's IRQs can be on: before each
 * round's local_irq_save and after the thread has ended (the CPU idles
 * with IRQs on, taking interrupts forever). In between, the flush runs
 * with IRQs off: the asserts on irqs[me] check that.
 *
 * Dead locals are reset when their function or handler returns, as
 * ipicheck does; SPIN's state counts still differ from ipicheck's (other
 * encoding: process program counters, partial-order reduction).
 *
 * Properties. Two runs give ipicheck's full verdict:
 *
 *  (a) safety, with SPIN's partial-order reduction (the default),
 *      compiled with -DSAFETY -DNOCLAIM: the assertion of step 21
 *      (ipicheck's assert), and invalid end states. A process may end only
 *      in its idle loop (the end label), so an invalid end state is a
 *      state where no process can move and some CPU has not finished:
 *      ipicheck's deadlock. (A finished CPU can always take the dev timer,
 *      so neither tool can see a state without transitions there.)
 *
 *  (b) the hang check, the never claim "hang" (below) with weak fairness
 *      (pan -a -f). ipicheck reports a hang when some reachable state
 *      cannot reach a state where every CPU has finished (AG EF done, computed on the
 *      bottom SCCs of the state graph): it assumes that a way out that is
 *      possible is eventually taken. That is strong fairness on every
 *      transition: a run in which each transition enabled infinitely often
 *      is taken infinitely often ends in a bottom SCC, and every bottom
 *      SCC has such a run. SPIN has only weak fairness on processes (-f),
 *      so the claim assumes the three consequences of strong fairness
 *      this protocol needs, for each CPU c:
 *        - []<> (phase[c] != BEFORE): a thread is not left forever at its
 *          local_irq_save, which is enabled whenever no handler runs on c,
 *          while c takes interrupts;
 *        - []<> (hnd[c] == RTC || phase[c] != ENDED): a finished CPU, which
 *          can take the rtc timer whenever it runs no handler, takes it
 *          infinitely often (and not only the dev timer);
 *        - []<> (!ipi_pending[c] || phase[c] != ENDED): a finished CPU does
 *          not leave a pending IPI untaken forever;
 *      and asserts <> (every thread has ended). A thread that has ended
 *      stays so and a running handler can always return, so this is
 *      ipicheck's goal. The fairness assumed is implied by strong fairness,
 *      so every hang ipicheck reports is a violation SPIN finds. The
 *      converse can fail only through a run that is fair in this weaker
 *      sense but not strongly fair; SPIN finds none in scale.pml. With
 *      -DRESCUE=0 it finds the hang ipicheck reports: CPU1 waits with IRQs
 *      off for an ack whose IPI edge was lost while CPU0 ran dev at IPL 7,
 *      and CPU0 has finished and takes its timers forever. (Without the
 *      third condition SPIN reported a spurious hang there, a finished CPU
 *      never taking its pending IPI: the conditions are needed.)
 *
 * SPIN's hang run is a nested depth-first search for acceptance cycles
 * with weak fairness: it costs much more than the safety run (the state
 * space is copied CPUS+2 times for the fairness counter).
 */

#ifndef CPUS
#define CPUS 3
#endif
#ifndef ROUNDS
#define ROUNDS 1
#endif
#ifndef RESCUE
#define RESCUE 1
#endif

/* hnd[c]: the handler CPU c runs, if any. */
#define NONE 0
#define DEV 1 /* level 7 */
#define RTC 2 /* level 5 */
#define IPI 3 /* level 5 */

/* phase[c]: where CPU c's thread is, for the hang property. */
#define BEFORE 0 /* at a round's local_irq_save, IRQs on */
#define FLUSH 1  /* inside flush(), IRQs off */
#define ENDED 2  /* the thread has ended */

bool ipi_lock;          /* alpha_smp_ipi_lock */
bool mailbox[CPUS];     /* ipi_data[cpu].bits */
bool need[CPUS];        /* the CPU still has to run the call and ack it */
bool irqs[CPUS];        /* IRQ-enabled flags */
bool ipi_pending[CPUS]; /* the ipi line; dev and rtc are timers */
byte hnd[CPUS];         /* NONE, DEV, RTC, IPI */
byte phase[CPUS];       /* BEFORE, FLUSH, ENDED */

/* for (c in others) over constants: true beyond CPUS (short-circuit). */
#define ACKED(k) ((k) >= CPUS || (k) == me || !need[k])
#define ALL_ACKED (ACKED(0) && ACKED(1) && ACKED(2) && ACKED(3) && ACKED(4) && ACKED(5) && ACKED(6) && ACKED(7))
#define NOMAIL(k) ((k) >= CPUS || (k) == me || !mailbox[k])
#define ALL_NOMAIL (NOMAIL(0) && NOMAIL(1) && NOMAIL(2) && NOMAIL(3) && NOMAIL(4) && NOMAIL(5) && NOMAIL(6) && NOMAIL(7))

/* Taking an interrupt: the pending bit cleared, the IRQ flag saved and
 * cleared, the handler started. Returning: the flag restored, the
 * handler's locals reset. */
#define ENTER(h) saved = irqs[me]; irqs[me] = false; hnd[me] = h
#define RETURN atomic { irqs[me] = saved; saved = false; hops = false; hnd[me] = NONE }

/* handle_ipi() in a handler: xchg the mailbox, then ack. */
inline handler_body() {
	atomic { hops = mailbox[me]; mailbox[me] = false };
	if
	:: atomic { hops -> need[me] = false; hops = false }
	:: else
	fi
}

/* The interrupts CPU me can take: options of a do loop, each starting
 * with the (atomic) entry, which is its guard. */
#define IRQ_ENTRIES \
	:: atomic { irqs[me] -> ENTER(DEV) }; \
	   RETURN \
	:: atomic { irqs[me] -> ENTER(RTC) }; \
	   RTC_BODY; \
	   RETURN \
	:: atomic { ipi_pending[me] && irqs[me] -> ipi_pending[me] = false; ENTER(IPI) }; \
	   handler_body(); \
	   RETURN

#if RESCUE
#define RTC_BODY handler_body()
#else
#define RTC_BODY skip
#endif

proctype cpu(byte me) {
	bool flags;  /* flush.flags */
	bool got;    /* flush.got */
	bool dflags; /* drain.flags */
	bool ops;    /* drain > handle_ipi.ops */
	bool saved;  /* the running handler's saved IRQ flag */
	bool hops;   /* the running handler's handle_ipi.ops */
	byte r = 1;  /* for (r in 1..ROUNDS) */
	byte t;      /* the loop variable of the atomic loops, reset after */

round:
	/* local_irq_save(flags), the thread's only step with IRQs on. */
	do
	IRQ_ENTRIES
	:: atomic { flags = irqs[me]; irqs[me] = false; phase[me] = FLUSH; break }
	od;

	/* while (!got) { got = trylock; if (!got) drain(); } */
	do
	:: atomic { assert(!irqs[me]); got = !ipi_lock; ipi_lock = true; if :: got -> break :: else fi }
	   /* drain(): if (mailbox) */
	   if
	   :: mailbox[me] ->
		atomic { dflags = irqs[me]; irqs[me] = false };
		atomic { ops = mailbox[me]; mailbox[me] = false };
		if
		:: atomic { ops -> need[me] = false; ops = false }
		:: else
		fi;
		atomic { irqs[me] = dflags; dflags = false }
	   :: else
	   fi
	od;

	/* atomic { for (c in others) { mailbox[c] = true; need[c] = true; } }
	 * (atomic, not d_step: the trylock loop's break jumps here, and SPIN
	 * does not allow a jump into a d_step.) */
	atomic {
		t = 0;
		do
		:: t < CPUS ->
			if
			:: t != me -> mailbox[t] = true; need[t] = true
			:: else
			fi;
			t++
		:: else -> break
		od;
		t = 0
	}
	/* atomic { for (c in others) { wripir(c); } }: the edge is lost when
	 * the target runs at IPL 7. */
	d_step {
		t = 0;
		do
		:: t < CPUS ->
			if
			:: t != me && hnd[t] != DEV -> ipi_pending[t] = true
			:: else
			fi;
			t++
		:: else -> break
		od;
		t = 0
	}
	/* await forall (c in others) !need[c] */
	ALL_ACKED;
	/* assert forall (c in others) !mailbox[c] */
	assert(ALL_NOMAIL);
	ipi_lock = false;
	/* local_irq_restore(flags); flush returns (its locals reset); the
	 * next round, or the thread ends and its CPU idles with IRQs on. */
	atomic {
		irqs[me] = flags;
		flags = false;
		got = false;
		if
		:: r < ROUNDS -> r++; phase[me] = BEFORE; goto round
		:: else -> irqs[me] = true; phase[me] = ENDED
		fi
	};

end_idle:
	do
	IRQ_ENTRIES
	od
}

init {
	byte i;
	atomic {
		for (i : 0 .. CPUS - 1) {
			irqs[i] = true
		}
		i = 0;
		for (i : 0 .. CPUS - 1) {
			run cpu(i)
		}
	}
}

/* The hang check (see the header), written as a never claim by hand:
 * SPIN's LTL translator takes too long on a conjunction of 3 x CPUS
 * fairness conditions. The claim accepts the runs in which no state has
 * every thread ended and each condition F1(c), F2(c), F3(c) of every CPU
 * holds infinitely often: it waits for each condition in turn and passes
 * the accepting state after the last. That is the negation of
 *   (AND over c of []<>F1(c) && []<>F2(c) && []<>F3(c)) -> <> ALL_ENDED. */
#define F1(c) (phase[c] != BEFORE)
#define F2(c) (hnd[c] == RTC || phase[c] != ENDED)
#define F3(c) (!ipi_pending[c] || phase[c] != ENDED)
#define ENDED_K(k) ((k) >= CPUS || phase[k] == ENDED)
#define ALL_ENDED (ENDED_K(0) && ENDED_K(1) && ENDED_K(2) && ENDED_K(3) && ENDED_K(4) && ENDED_K(5) && ENDED_K(6) && ENDED_K(7))
#define WAIT(here, cond, next) \
here:	if \
	:: !ALL_ENDED && (cond) -> goto next \
	:: !ALL_ENDED && !(cond) -> goto here \
	fi;
#define WAITS(c, next) \
	WAIT(w##c##a, F1(c), w##c##b) \
	WAIT(w##c##b, F2(c), w##c##c) \
	WAIT(w##c##c, F3(c), next)

#if CPUS < 2 || CPUS > 8
#error "scale.pml: CPUS must be 2 to 8"
#endif

never hang {
	WAITS(0, w1a)
#if CPUS == 2
	WAITS(1, accept_all)
#else
	WAITS(1, w2a)
#if CPUS == 3
	WAITS(2, accept_all)
#else
	WAITS(2, w3a)
#if CPUS == 4
	WAITS(3, accept_all)
#else
	WAITS(3, w4a)
#if CPUS == 5
	WAITS(4, accept_all)
#else
	WAITS(4, w5a)
#if CPUS == 6
	WAITS(5, accept_all)
#else
	WAITS(5, w6a)
#if CPUS == 7
	WAITS(6, accept_all)
#else
	WAITS(6, w7a)
	WAITS(7, accept_all)
#endif
#endif
#endif
#endif
#endif
#endif
accept_all:
	if
	:: !ALL_ENDED -> goto w0a
	fi
}
