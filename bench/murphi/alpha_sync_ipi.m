-- alpha_sync_ipi.m: a hand-written Murphi encoding of
-- bench/murphi/alpha_sync_ipi.ipi (protocols/alpha_sync_ipi.ipi as of
-- commit 1a247b5, before the protocols moved onto the kernel library), for
-- cross-checking ipicheck with Rumur: scripts/crosscheck.sh,
-- bench/crosscheck_test.go.
--
-- It encodes exactly the transition system ipicheck builds from the spec
-- (model/compile*.go, model/exec.go), so that both tools must agree on the
-- verdict AND on the number of reachable states:
--
--   * One rule per ipicheck step: per CPU (the ruleset) and per program
--     counter at which a context can rest. Program counters are state
--     variables; their values are the instruction indices ipicheck used
--     at commit 1a247b5 (the thread's pc, and the handler's pc + 1 with 0
--     meaning "not running"). Later versions fold branches on constants
--     at compile time and number differently; only the one-to-one
--     correspondence of resting points matters for the state count.
--   * Silent code (local-only instructions: loop bookkeeping, local
--     declarations, branches on constants and locals, value-parameter
--     copies, result stores into locals, resets of dead function locals)
--     runs inside the step before it. Here it is the procedures named
--     after the program point they start at (At_NN); each ends by setting
--     the pc to the next visible instruction.
--   * Every local slot ipicheck keeps in the state is a variable here,
--     including loop variables, the value parameter of send_ipi_message,
--     spin_trylock's result slot and the locals of each inlined copy of
--     a function (the handler's copy of generic_smp_call_function_interrupt
--     and alpha_drain_ipi's copy are distinct). Function body locals are
--     zeroed when the function returns, handler locals when the handler
--     returns; the thread's own local flags is never reset.
--   * Taking the IPI is a transition: pending cleared, IRQ flag saved and
--     cleared, handler started. The return is a separate transition that
--     restores the flag, zeroes the saved flag and the handler's locals.
--   * A finished thread leaves its CPU with IRQs on.
--   * "done" is a stuttering rule enabled only in proper end states (every
--     CPU finished, nothing pending), so that Rumur with
--     --deadlock-detection stuck reports exactly ipicheck's deadlocks.
--
-- Params: edit the lines marked @param (scripts/crosscheck.sh does).

const
  CPUS: 2;            -- @param number of CPUs
  IRQS_OFF: true;     -- @param callers hold spin_lock_irqsave
  LOCK_NONE: 0;
  LOCK_SPIN: 1;
  LOCK_DRAIN: 2;
  LOCK: LOCK_NONE;    -- @param LOCK_NONE, LOCK_SPIN or LOCK_DRAIN

  LAST: CPUS - 1;

  -- Thread flush_tlb_mm: the instructions a thread can rest at.
  T_IRQ_SAVE: 2;      -- local_irq_save(flags)
  T_SPIN_LOCK: 4;     -- spin_lock: atomic { await !l; l = true; }
  T_TRYLOCK: 9;       -- spin_trylock: atomic { if (l) return false; l = true; }
  T_D_IF_BITS: 15;    -- alpha_drain_ipi: if (bits)
  T_D_IRQ_SAVE: 16;   -- alpha_drain_ipi: local_irq_save(flags)
  T_D_WHILE: 17;      -- handle_ipi: while (bits)
  T_D_CLEAR: 18;      -- handle_ipi: bits = false
  T_D_ATOMIC: 20;     -- generic_...: atomic { entries = queued[me]; ... }
  T_D_UNLOCK: 23;     -- generic_...: cfd[s][me] = false
  T_D_RESTORE: 30;    -- alpha_drain_ipi: local_irq_restore(flags)
  T_CSD_LOCK: 36;     -- await !cfd[me][c]    (csd_lock)
  T_CSD_TAKE: 37;     -- cfd[me][c] = true
  T_QUEUE: 38;        -- queued[c][me] = true
  T_BITS: 45;         -- send_ipi_message: bits[to] = true
  T_RAISE: 46;        -- send_ipi_message: raise(to, ipi)
  T_CSD_WAIT: 52;     -- await !cfd[me][c]    (csd_lock_wait)
  T_UNLOCK: 58;       -- spin_unlock: l = false
  T_RESTORE: 60;      -- local_irq_restore(flags)
  T_END: 61;          -- finished

  -- Handler ipi (pc + 1; 0 = not running).
  H_IDLE: 0;
  H_WHILE: 1;         -- while (bits)
  H_CLEAR: 2;         -- bits = false
  H_ATOMIC: 4;        -- atomic { entries = queued[me]; ... }
  H_UNLOCK: 7;        -- cfd[s][me] = false
  H_RETURN: 14;       -- at its end: the return is the next step

type
  cpu_t: 0..LAST;
  cpuset_t: array[cpu_t] of boolean;

  cpu_rec: record
    -- per-CPU variables of the spec
    cfd: cpuset_t;        -- cfd[me][target]
    queued: cpuset_t;     -- queued[me][sender]
    bits: boolean;
    -- interrupt state
    irqs: boolean;
    ipi_pending: boolean;
    ipi_pc: 0..H_RETURN;
    ipi_saved: boolean;
    -- the handler's locals (its inlined generic_smp_call_function_interrupt)
    h_entries: cpuset_t;
    h_s: cpu_t;           -- the for loop inside the atomic block
    h_s2: cpu_t;          -- the for loop over entries
    -- the thread
    pc: 0..T_END;
    flags: boolean;       -- thread local: never reset
    got: boolean;         -- ipi_lock_acquire.got
    tl_result: boolean;   -- ipi_lock_acquire's spin_trylock() result slot
    d_flags: boolean;     -- alpha_drain_ipi.flags
    d_entries: cpuset_t;  -- alpha_drain_ipi > ... > generic_....entries
    d_s: cpu_t;
    d_s2: cpu_t;
    c1: cpu_t;            -- smp_call_function_wait: the three for loops
    c2: cpu_t;
    to_cpu: cpu_t;        -- send_ipi_message's value parameter "to"
    c3: cpu_t;
  end;

var
  ipi_lock: boolean;
  cpu: array[cpu_t] of cpu_rec;

-- ---------------------------------------------------------------------
-- Silent code of the thread, by the program point it starts at. Each
-- procedure runs the local-only instructions from there up to the next
-- visible one and leaves the pc on it. Declared callee first.

procedure Finish(c: cpu_t);
begin
  cpu[c].pc := T_END;
  cpu[c].irqs := true;     -- a finished thread leaves IRQs on
end;

-- 59: if (IRQS_OFF) local_irq_restore(flags)
procedure At_59(c: cpu_t);
begin
  if IRQS_OFF then cpu[c].pc := T_RESTORE; else Finish(c); end;
end;

-- 56: smp_call_function_wait returns: its locals are reset;
-- 57: ipi_lock_release: if (LOCK != none) spin_unlock
procedure At_56(c: cpu_t);
begin
  cpu[c].c1 := 0;
  cpu[c].c2 := 0;
  cpu[c].to_cpu := 0;
  cpu[c].c3 := 0;
  if LOCK != LOCK_NONE then cpu[c].pc := T_UNLOCK; else At_59(c); end;
end;

-- 51: top of the third loop (for c in others): skip me
procedure Loop3Top(c: cpu_t);
begin
  if cpu[c].c3 = c then
    if cpu[c].c3 = LAST then At_56(c); return; end;
    cpu[c].c3 := cpu[c].c3 + 1;
  end;
  cpu[c].pc := T_CSD_WAIT;
end;

-- 53: end of the third loop's body
procedure Loop3Next(c: cpu_t);
begin
  if cpu[c].c3 = LAST then At_56(c);
  else cpu[c].c3 := cpu[c].c3 + 1; Loop3Top(c); end;
end;

-- 50: for (c in others) ... await !cfd[me][c]
procedure Loop3Start(c: cpu_t);
begin
  cpu[c].c3 := 0;
  Loop3Top(c);
end;

-- 43: top of the second loop: skip me; 44: to = c (value parameter copy)
procedure Loop2Top(c: cpu_t);
begin
  if cpu[c].c2 = c then
    if cpu[c].c2 = LAST then Loop3Start(c); return; end;
    cpu[c].c2 := cpu[c].c2 + 1;
  end;
  cpu[c].to_cpu := cpu[c].c2;
  cpu[c].pc := T_BITS;
end;

-- 47: end of the second loop's body
procedure Loop2Next(c: cpu_t);
begin
  if cpu[c].c2 = LAST then Loop3Start(c);
  else cpu[c].c2 := cpu[c].c2 + 1; Loop2Top(c); end;
end;

-- 42: for (c in others) send_ipi_message(c)
procedure Loop2Start(c: cpu_t);
begin
  cpu[c].c2 := 0;
  Loop2Top(c);
end;

-- 35: top of the first loop: skip me
procedure Loop1Top(c: cpu_t);
begin
  if cpu[c].c1 = c then
    if cpu[c].c1 = LAST then Loop2Start(c); return; end;
    cpu[c].c1 := cpu[c].c1 + 1;
  end;
  cpu[c].pc := T_CSD_LOCK;
end;

-- 39: end of the first loop's body
procedure Loop1Next(c: cpu_t);
begin
  if cpu[c].c1 = LAST then Loop2Start(c);
  else cpu[c].c1 := cpu[c].c1 + 1; Loop1Top(c); end;
end;

-- 33: ipi_lock_acquire returns: its body locals (got, the trylock result,
-- alpha_drain_ipi's locals and those of its generic_... copy) are reset;
-- 34: smp_call_function_wait starts its first loop.
procedure At_33(c: cpu_t);
begin
  cpu[c].got := false;
  cpu[c].tl_result := false;
  cpu[c].d_flags := false;
  for s: cpu_t do cpu[c].d_entries[s] := false; end;
  cpu[c].d_s := 0;
  cpu[c].d_s2 := 0;
  cpu[c].c1 := 0;
  Loop1Top(c);
end;

-- 31: alpha_drain_ipi returns: its locals are reset; 32: back to
-- 8: while (!got), with got false here, so on to the trylock again.
procedure At_31(c: cpu_t);
begin
  cpu[c].d_flags := false;
  for s: cpu_t do cpu[c].d_entries[s] := false; end;
  cpu[c].d_s := 0;
  cpu[c].d_s2 := 0;
  cpu[c].pc := T_TRYLOCK;
end;

-- 29: handle_ipi returns (its generic_... locals reset), then the
-- visible local_irq_restore(flags) of alpha_drain_ipi.
procedure At_29(c: cpu_t);
begin
  for s: cpu_t do cpu[c].d_entries[s] := false; end;
  cpu[c].d_s := 0;
  cpu[c].d_s2 := 0;
  cpu[c].pc := T_D_RESTORE;
end;

-- 22: top of the loop over entries (the thread's copy): if (entries[s])
-- is on a local, so the search for the next entry is silent. 27: the
-- function returns (locals reset), 28: back to while (bits).
procedure DScan(c: cpu_t);
begin
  while !cpu[c].d_entries[cpu[c].d_s2] & cpu[c].d_s2 != LAST do
    cpu[c].d_s2 := cpu[c].d_s2 + 1;
  end;
  if cpu[c].d_entries[cpu[c].d_s2] then
    cpu[c].pc := T_D_UNLOCK;
  else
    for s: cpu_t do cpu[c].d_entries[s] := false; end;
    cpu[c].d_s := 0;
    cpu[c].d_s2 := 0;
    cpu[c].pc := T_D_WHILE;
  end;
end;

-- 24: end of that loop's body
procedure DNext(c: cpu_t);
begin
  if cpu[c].d_s2 = LAST then
    for s: cpu_t do cpu[c].d_entries[s] := false; end;
    cpu[c].d_s := 0;
    cpu[c].d_s2 := 0;
    cpu[c].pc := T_D_WHILE;
  else
    cpu[c].d_s2 := cpu[c].d_s2 + 1;
    DScan(c);
  end;
end;

-- 3: ipi_lock_acquire: the branches on LOCK are on a param, so silent.
procedure At_3(c: cpu_t);
begin
  if LOCK = LOCK_SPIN then
    cpu[c].pc := T_SPIN_LOCK;
  elsif LOCK = LOCK_DRAIN then
    cpu[c].got := false;          -- 7: var got: bool = false
    cpu[c].pc := T_TRYLOCK;       -- 8: while (!got)
  else
    At_33(c);
  end;
end;

-- 0: var flags: bool; 1: if (IRQS_OFF)
procedure At_0(c: cpu_t);
begin
  cpu[c].flags := false;
  if IRQS_OFF then cpu[c].pc := T_IRQ_SAVE; else At_3(c); end;
end;

-- ---------------------------------------------------------------------
-- Silent code of the handler.

-- 5: top of the handler's loop over entries; 10: generic_... returns
-- (its locals reset), 11: back to 0: while (bits).
procedure HScan(c: cpu_t);
begin
  while !cpu[c].h_entries[cpu[c].h_s2] & cpu[c].h_s2 != LAST do
    cpu[c].h_s2 := cpu[c].h_s2 + 1;
  end;
  if cpu[c].h_entries[cpu[c].h_s2] then
    cpu[c].ipi_pc := H_UNLOCK;
  else
    for s: cpu_t do cpu[c].h_entries[s] := false; end;
    cpu[c].h_s := 0;
    cpu[c].h_s2 := 0;
    cpu[c].ipi_pc := H_WHILE;
  end;
end;

-- 7: end of that loop's body
procedure HNext(c: cpu_t);
begin
  if cpu[c].h_s2 = LAST then
    for s: cpu_t do cpu[c].h_entries[s] := false; end;
    cpu[c].h_s := 0;
    cpu[c].h_s2 := 0;
    cpu[c].ipi_pc := H_WHILE;
  else
    cpu[c].h_s2 := cpu[c].h_s2 + 1;
    HScan(c);
  end;
end;

-- ---------------------------------------------------------------------

function thread_runs(c: cpu_t): boolean;
begin
  return cpu[c].ipi_pc = H_IDLE & cpu[c].pc != T_END;
end;

function finished(c: cpu_t): boolean;
begin
  return cpu[c].ipi_pc = H_IDLE & cpu[c].pc = T_END;
end;

startstate "init"
begin
  ipi_lock := false;
  for c: cpu_t do
    for s: cpu_t do
      cpu[c].cfd[s] := false;
      cpu[c].queued[s] := false;
      cpu[c].h_entries[s] := false;
      cpu[c].d_entries[s] := false;
    end;
    cpu[c].bits := false;
    cpu[c].irqs := true;
    cpu[c].ipi_pending := false;
    cpu[c].ipi_pc := H_IDLE;
    cpu[c].ipi_saved := false;
    cpu[c].h_s := 0;
    cpu[c].h_s2 := 0;
    cpu[c].pc := 0;
    cpu[c].flags := false;
    cpu[c].got := false;
    cpu[c].tl_result := false;
    cpu[c].d_flags := false;
    cpu[c].d_s := 0;
    cpu[c].d_s2 := 0;
    cpu[c].c1 := 0;
    cpu[c].c2 := 0;
    cpu[c].to_cpu := 0;
    cpu[c].c3 := 0;
  end;
  -- Threads start by running their leading silent code.
  for c: cpu_t do At_0(c); end;
end;

ruleset c: cpu_t do

  -- ------------------------------------------------ thread flush_tlb_mm

  rule "T2 local_irq_save(flags)"
    thread_runs(c) & cpu[c].pc = T_IRQ_SAVE
  ==>
    cpu[c].flags := cpu[c].irqs;
    cpu[c].irqs := false;
    At_3(c);
  end;

  rule "T4 spin_lock: atomic { await !l; l = true; }"
    thread_runs(c) & cpu[c].pc = T_SPIN_LOCK & !ipi_lock
  ==>
    ipi_lock := true;
    At_33(c);                      -- 5: jump to the end of the if chain
  end;

  rule "T9 spin_trylock: atomic { if (l) return false; l = true; }"
    thread_runs(c) & cpu[c].pc = T_TRYLOCK
  ==>
    if ipi_lock then
      cpu[c].tl_result := false;   -- return false (inside the atomic)
      cpu[c].got := false;         -- 12: got = spin_trylock(...)
      cpu[c].d_flags := false;     -- 13: if (!got) 14: var flags: bool
      cpu[c].pc := T_D_IF_BITS;
    else
      ipi_lock := true;
      cpu[c].tl_result := true;    -- 10: return true
      cpu[c].got := true;          -- 12: got = ...; 13, 32, 8: loop exits
      At_33(c);
    end;
  end;

  rule "T15 alpha_drain_ipi: if (bits)"
    thread_runs(c) & cpu[c].pc = T_D_IF_BITS
  ==>
    if cpu[c].bits then cpu[c].pc := T_D_IRQ_SAVE; else At_31(c); end;
  end;

  rule "T16 alpha_drain_ipi: local_irq_save(flags)"
    thread_runs(c) & cpu[c].pc = T_D_IRQ_SAVE
  ==>
    cpu[c].d_flags := cpu[c].irqs;
    cpu[c].irqs := false;
    cpu[c].pc := T_D_WHILE;
  end;

  rule "T17 handle_ipi: while (bits)"
    thread_runs(c) & cpu[c].pc = T_D_WHILE
  ==>
    if cpu[c].bits then cpu[c].pc := T_D_CLEAR; else At_29(c); end;
  end;

  rule "T18 handle_ipi: bits = false"
    thread_runs(c) & cpu[c].pc = T_D_CLEAR
  ==>
    cpu[c].bits := false;
    for s: cpu_t do cpu[c].d_entries[s] := false; end;   -- 19: var entries
    cpu[c].pc := T_D_ATOMIC;
  end;

  rule "T20 generic: atomic { entries = queued[me]; clear queued[me] }"
    thread_runs(c) & cpu[c].pc = T_D_ATOMIC
  ==>
    cpu[c].d_entries := cpu[c].queued;
    for s: cpu_t do cpu[c].queued[s] := false; end;
    cpu[c].d_s := LAST;            -- the for loop variable ends at its bound
    cpu[c].d_s2 := 0;              -- 21: the next for loop starts
    DScan(c);
  end;

  rule "T23 generic: cfd[s][me] = false"
    thread_runs(c) & cpu[c].pc = T_D_UNLOCK
  ==>
    cpu[cpu[c].d_s2].cfd[c] := false;
    DNext(c);
  end;

  rule "T30 alpha_drain_ipi: local_irq_restore(flags)"
    thread_runs(c) & cpu[c].pc = T_D_RESTORE
  ==>
    cpu[c].irqs := cpu[c].d_flags;
    At_31(c);
  end;

  rule "T36 csd_lock: await !cfd[me][c]"
    thread_runs(c) & cpu[c].pc = T_CSD_LOCK & !cpu[c].cfd[cpu[c].c1]
  ==>
    cpu[c].pc := T_CSD_TAKE;
  end;

  rule "T37 cfd[me][c] = true"
    thread_runs(c) & cpu[c].pc = T_CSD_TAKE
  ==>
    cpu[c].cfd[cpu[c].c1] := true;
    cpu[c].pc := T_QUEUE;
  end;

  rule "T38 queued[c][me] = true"
    thread_runs(c) & cpu[c].pc = T_QUEUE
  ==>
    cpu[cpu[c].c1].queued[c] := true;
    Loop1Next(c);
  end;

  rule "T45 send_ipi_message: bits[to] = true"
    thread_runs(c) & cpu[c].pc = T_BITS
  ==>
    cpu[cpu[c].to_cpu].bits := true;
    cpu[c].pc := T_RAISE;
  end;

  rule "T46 send_ipi_message: raise(to, ipi)"
    thread_runs(c) & cpu[c].pc = T_RAISE
  ==>
    cpu[cpu[c].to_cpu].ipi_pending := true;
    Loop2Next(c);
  end;

  rule "T52 csd_lock_wait: await !cfd[me][c]"
    thread_runs(c) & cpu[c].pc = T_CSD_WAIT & !cpu[c].cfd[cpu[c].c3]
  ==>
    Loop3Next(c);
  end;

  rule "T58 spin_unlock: l = false"
    thread_runs(c) & cpu[c].pc = T_UNLOCK
  ==>
    ipi_lock := false;
    At_59(c);
  end;

  rule "T60 local_irq_restore(flags)"
    thread_runs(c) & cpu[c].pc = T_RESTORE
  ==>
    cpu[c].irqs := cpu[c].flags;
    Finish(c);
  end;

  -- ------------------------------------------------ handler ipi, level 5

  rule "H0 handle_ipi: while (bits)"
    cpu[c].ipi_pc = H_WHILE
  ==>
    if cpu[c].bits then
      cpu[c].ipi_pc := H_CLEAR;
    else
      cpu[c].ipi_pc := H_RETURN;   -- 12: handle_ipi returns (nothing to reset)
    end;
  end;

  rule "H1 handle_ipi: bits = false"
    cpu[c].ipi_pc = H_CLEAR
  ==>
    cpu[c].bits := false;
    for s: cpu_t do cpu[c].h_entries[s] := false; end;   -- 2: var entries
    cpu[c].ipi_pc := H_ATOMIC;
  end;

  rule "H3 generic: atomic { entries = queued[me]; clear queued[me] }"
    cpu[c].ipi_pc = H_ATOMIC
  ==>
    cpu[c].h_entries := cpu[c].queued;
    for s: cpu_t do cpu[c].queued[s] := false; end;
    cpu[c].h_s := LAST;
    cpu[c].h_s2 := 0;              -- 4: the next for loop starts
    HScan(c);
  end;

  rule "H6 generic: cfd[s][me] = false"
    cpu[c].ipi_pc = H_UNLOCK
  ==>
    cpu[cpu[c].h_s2].cfd[c] := false;
    HNext(c);
  end;

  rule "ipi return"
    cpu[c].ipi_pc = H_RETURN
  ==>
    cpu[c].irqs := cpu[c].ipi_saved;
    cpu[c].ipi_saved := false;
    cpu[c].ipi_pc := H_IDLE;
    for s: cpu_t do cpu[c].h_entries[s] := false; end;
    cpu[c].h_s := 0;
    cpu[c].h_s2 := 0;
  end;

  -- Taking the IPI: pending, IRQs on, and level 5 above the CPU's level
  -- (0 in task context; the IPI is the only line, so: no handler runs).
  rule "take ipi"
    cpu[c].ipi_pending & cpu[c].irqs & cpu[c].ipi_pc = H_IDLE
  ==>
    cpu[c].ipi_pending := false;
    cpu[c].ipi_saved := cpu[c].irqs;
    cpu[c].irqs := false;
    cpu[c].ipi_pc := H_WHILE;      -- the handler's first instruction is visible
  end;

end;

-- A proper end: every CPU finished and no interrupt left to take. The
-- only rule enabled there, and it changes nothing.
rule "done"
  (forall c: cpu_t do finished(c) & !cpu[c].ipi_pending end)
==>
end;

invariant "queued_implies_locked"
  forall t: cpu_t do forall s: cpu_t do
    !cpu[t].queued[s] | cpu[s].cfd[t]
  end end;
