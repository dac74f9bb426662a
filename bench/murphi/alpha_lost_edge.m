-- alpha_lost_edge.m: a hand-written Murphi encoding of
-- bench/murphi/alpha_lost_edge.ipi (protocols/alpha_lost_edge.ipi as of
-- commit 1a247b5, before the protocols moved onto the kernel library), for
-- cross-checking ipicheck with Rumur: scripts/crosscheck.sh,
-- bench/crosscheck_test.go.
--
-- The encoding rules are those of alpha_sync_ipi.m (read its header):
-- one rule per ipicheck step, per CPU and program counter; silent
-- local-only code merged into the step before it (the At_NN / *Scan /
-- *Next procedures); every local slot ipicheck stores is a variable;
-- dead function locals zeroed when the function returns, handler locals
-- when the handler returns; interrupt entry and return are transitions of
-- their own; a finished thread leaves IRQs on.
--
-- Program counters: the thread's values are those of ipicheck's "sender"
-- thread (CPU0) at commit 1a247b5. The "other" thread (CPUs 1..) is the
-- same code behind a silent if (ALL_SEND), so ipicheck numbers its
-- instructions one higher; this model uses the sender's numbers on every
-- CPU, a bijection that keeps the state count. Handler pcs are ipicheck's
-- pc + 1, 0 = idle.
--
-- The hang: ipicheck reports a HANG when a reachable bottom SCC misses a
-- CPU's goal (it never finishes there; the spec has no progress
-- statements). Rumur's liveness property P holds when from every
-- reachable state a state satisfying P is reachable (AG EF P). Per CPU,
-- AG EF finished(c) fails exactly when some reachable bottom SCC has no
-- state where c has finished: ipicheck's definition. "Every CPU has
-- finished" (AG EF of the conjunction) is checked too; it can only be
-- stronger, and for this spec it gives the same verdicts.
--
-- No "done" rule is needed: a finished CPU has IRQs on and can always
-- take the dev timer, so a proper end state always has a transition.
-- Deadlocks elsewhere would still be reported (--deadlock-detection stuck).
--
-- Params: edit the lines marked @param (scripts/crosscheck.sh does).

const
  CPUS: 2;            -- @param number of CPUs
  RESCUE: false;      -- @param the RTC interrupt polls the mailbox
  ALL_SEND: false;    -- @param every CPU sends (else only CPU0)
  IRQS_OFF: false;    -- @param senders hold spin_lock_irqsave
  LOCK_NONE: 0;
  LOCK_DRAIN: 2;
  LOCK: LOCK_NONE;    -- @param LOCK_NONE or LOCK_DRAIN

  LAST: CPUS - 1;

  -- Thread (flush() inlined), sender's numbering.
  T_IRQ_SAVE: 2;      -- local_irq_save(flags)
  T_TRYLOCK: 6;       -- spin_trylock: atomic { if (l) return false; l = true; }
  T_D_IF_BITS: 12;    -- alpha_drain_ipi: if (bits)
  T_D_IRQ_SAVE: 13;   -- alpha_drain_ipi: local_irq_save(flags)
  T_D_WHILE: 14;      -- handle_ipi: while (bits)
  T_D_CLEAR: 15;      -- handle_ipi: bits = false
  T_D_ATOMIC: 17;     -- generic_...: atomic { entries = queued[me]; ... }
  T_D_UNLOCK: 20;     -- generic_...: cfd[s][me] = false
  T_D_RESTORE: 27;    -- alpha_drain_ipi: local_irq_restore(flags)
  T_CSD_LOCK: 32;     -- await !cfd[me][c]
  T_CSD_TAKE: 33;     -- cfd[me][c] = true
  T_QUEUE: 34;        -- queued[c][me] = true
  T_BITS: 41;         -- send_ipi_message: bits[to] = true
  T_IF_IPL7: 42;      -- send_ipi_message: if (irq_level(to) >= 7)
  T_CHOOSE: 43;       -- choose
  T_RAISE_A: 44;      -- choose alternative 1: raise(to, ipi)
  T_LOSE: 46;         -- choose alternative 2: lost = true
  T_RAISE_B: 49;      -- else: raise(to, ipi)
  T_CSD_WAIT: 55;     -- await !cfd[me][c]   (csd_lock_wait)
  T_UNLOCK: 61;       -- ipi_lock = false
  T_RESTORE: 63;      -- local_irq_restore(flags)
  T_END: 65;          -- finished

  -- Handler dev (level 7, timer): pc + 1.
  DEV_SKIP: 1;
  DEV_RETURN: 2;
  -- Handler rtc (level 5, timer).
  RTC_IF_BITS: 2;     -- alpha_poll_ipi_inirq: if (bits)
  RTC_WHILE: 3;       -- handle_ipi: while (bits)
  RTC_CLEAR: 4;       -- handle_ipi: bits = false
  RTC_ATOMIC: 6;      -- generic_...: atomic
  RTC_UNLOCK: 9;      -- generic_...: cfd[s][me] = false
  RTC_RETURN: 17;
  -- Handler ipi (level 5).
  IPI_WHILE: 1;
  IPI_CLEAR: 2;
  IPI_ATOMIC: 4;
  IPI_UNLOCK: 7;
  IPI_RETURN: 14;

type
  cpu_t: 0..LAST;
  cpuset_t: array[cpu_t] of boolean;

  cpu_rec: record
    cfd: cpuset_t;        -- cfd[me][target]
    queued: cpuset_t;     -- queued[me][sender]
    bits: boolean;
    irqs: boolean;
    dev_pc: 0..DEV_RETURN;
    dev_saved: boolean;
    rtc_pc: 0..RTC_RETURN;
    rtc_saved: boolean;
    ipi_pending: boolean;
    ipi_pc: 0..IPI_RETURN;
    ipi_saved: boolean;
    -- rtc's locals (alpha_poll_ipi_inirq > handle_ipi > generic_...)
    r_entries: cpuset_t;
    r_s: cpu_t;
    r_s2: cpu_t;
    -- ipi's locals (handle_ipi > generic_...)
    h_entries: cpuset_t;
    h_s: cpu_t;
    h_s2: cpu_t;
    -- the thread: flush()'s locals, all reset when flush returns
    pc: 0..T_END;
    flags: boolean;
    got: boolean;
    tl_result: boolean;   -- spin_trylock() result slot
    d_flags: boolean;     -- alpha_drain_ipi.flags
    d_entries: cpuset_t;
    d_s: cpu_t;
    d_s2: cpu_t;
    c1: cpu_t;
    c2: cpu_t;
    to_cpu: cpu_t;        -- send_ipi_message's "to"
    c3: cpu_t;
  end;

var
  ipi_lock: boolean;
  lost: boolean;
  cpu: array[cpu_t] of cpu_rec;

-- ---------------------------------------------------------------------
-- Silent code of the thread.

-- 64: flush returns: all its locals are reset; 65: the thread ends.
procedure At_64(c: cpu_t);
begin
  cpu[c].flags := false;
  cpu[c].got := false;
  cpu[c].tl_result := false;
  cpu[c].d_flags := false;
  for s: cpu_t do cpu[c].d_entries[s] := false; end;
  cpu[c].d_s := 0;
  cpu[c].d_s2 := 0;
  cpu[c].c1 := 0;
  cpu[c].c2 := 0;
  cpu[c].to_cpu := 0;
  cpu[c].c3 := 0;
  cpu[c].pc := T_END;
  cpu[c].irqs := true;
end;

-- 62: if (IRQS_OFF) local_irq_restore(flags)
procedure At_62(c: cpu_t);
begin
  if IRQS_OFF then cpu[c].pc := T_RESTORE; else At_64(c); end;
end;

-- 59: smp_call_function_wait returns (its locals reset);
-- 60: if (LOCK == drain) ipi_lock = false
procedure At_59(c: cpu_t);
begin
  cpu[c].c1 := 0;
  cpu[c].c2 := 0;
  cpu[c].to_cpu := 0;
  cpu[c].c3 := 0;
  if LOCK = LOCK_DRAIN then cpu[c].pc := T_UNLOCK; else At_62(c); end;
end;

procedure Loop3Top(c: cpu_t);          -- 54
begin
  if cpu[c].c3 = c then
    if cpu[c].c3 = LAST then At_59(c); return; end;
    cpu[c].c3 := cpu[c].c3 + 1;
  end;
  cpu[c].pc := T_CSD_WAIT;
end;

procedure Loop3Next(c: cpu_t);         -- 56
begin
  if cpu[c].c3 = LAST then At_59(c);
  else cpu[c].c3 := cpu[c].c3 + 1; Loop3Top(c); end;
end;

procedure Loop3Start(c: cpu_t);        -- 53
begin
  cpu[c].c3 := 0;
  Loop3Top(c);
end;

procedure Loop2Top(c: cpu_t);          -- 39, 40: to = c
begin
  if cpu[c].c2 = c then
    if cpu[c].c2 = LAST then Loop3Start(c); return; end;
    cpu[c].c2 := cpu[c].c2 + 1;
  end;
  cpu[c].to_cpu := cpu[c].c2;
  cpu[c].pc := T_BITS;
end;

procedure Loop2Next(c: cpu_t);         -- 50
begin
  if cpu[c].c2 = LAST then Loop3Start(c);
  else cpu[c].c2 := cpu[c].c2 + 1; Loop2Top(c); end;
end;

procedure Loop2Start(c: cpu_t);        -- 38
begin
  cpu[c].c2 := 0;
  Loop2Top(c);
end;

procedure Loop1Top(c: cpu_t);          -- 31
begin
  if cpu[c].c1 = c then
    if cpu[c].c1 = LAST then Loop2Start(c); return; end;
    cpu[c].c1 := cpu[c].c1 + 1;
  end;
  cpu[c].pc := T_CSD_LOCK;
end;

procedure Loop1Next(c: cpu_t);         -- 35
begin
  if cpu[c].c1 = LAST then Loop2Start(c);
  else cpu[c].c1 := cpu[c].c1 + 1; Loop1Top(c); end;
end;

procedure At_30(c: cpu_t);             -- 30: smp_call_function_wait starts
begin
  cpu[c].c1 := 0;
  Loop1Top(c);
end;

-- 28: alpha_drain_ipi returns (its locals reset); 29: back to
-- 5: while (!got), got being false here: the trylock again.
procedure At_28(c: cpu_t);
begin
  cpu[c].d_flags := false;
  for s: cpu_t do cpu[c].d_entries[s] := false; end;
  cpu[c].d_s := 0;
  cpu[c].d_s2 := 0;
  cpu[c].pc := T_TRYLOCK;
end;

-- 26: handle_ipi returns (generic_... locals reset); 27 is visible.
procedure At_26(c: cpu_t);
begin
  for s: cpu_t do cpu[c].d_entries[s] := false; end;
  cpu[c].d_s := 0;
  cpu[c].d_s2 := 0;
  cpu[c].pc := T_D_RESTORE;
end;

procedure DEndGeneric(c: cpu_t);       -- 24: reset; 25: to while (bits)
begin
  for s: cpu_t do cpu[c].d_entries[s] := false; end;
  cpu[c].d_s := 0;
  cpu[c].d_s2 := 0;
  cpu[c].pc := T_D_WHILE;
end;

procedure DScan(c: cpu_t);             -- 19: if (entries[s])
begin
  while !cpu[c].d_entries[cpu[c].d_s2] & cpu[c].d_s2 != LAST do
    cpu[c].d_s2 := cpu[c].d_s2 + 1;
  end;
  if cpu[c].d_entries[cpu[c].d_s2] then cpu[c].pc := T_D_UNLOCK;
  else DEndGeneric(c); end;
end;

procedure DNext(c: cpu_t);             -- 21
begin
  if cpu[c].d_s2 = LAST then DEndGeneric(c);
  else cpu[c].d_s2 := cpu[c].d_s2 + 1; DScan(c); end;
end;

-- 0: var flags; 1: if (IRQS_OFF); 3: if (LOCK == drain) { 4: got = false;
-- 5: while (!got) ... }
procedure At_3(c: cpu_t);
begin
  if LOCK = LOCK_DRAIN then
    cpu[c].got := false;
    cpu[c].pc := T_TRYLOCK;
  else
    At_30(c);
  end;
end;

procedure At_0(c: cpu_t);
begin
  cpu[c].flags := false;
  if IRQS_OFF then cpu[c].pc := T_IRQ_SAVE; else At_3(c); end;
end;

-- ---------------------------------------------------------------------
-- Silent code of the handlers.

procedure REndGeneric(c: cpu_t);       -- rtc 12: reset; 13: to while (bits)
begin
  for s: cpu_t do cpu[c].r_entries[s] := false; end;
  cpu[c].r_s := 0;
  cpu[c].r_s2 := 0;
  cpu[c].rtc_pc := RTC_WHILE;
end;

procedure RScan(c: cpu_t);             -- rtc 7
begin
  while !cpu[c].r_entries[cpu[c].r_s2] & cpu[c].r_s2 != LAST do
    cpu[c].r_s2 := cpu[c].r_s2 + 1;
  end;
  if cpu[c].r_entries[cpu[c].r_s2] then cpu[c].rtc_pc := RTC_UNLOCK;
  else REndGeneric(c); end;
end;

procedure RNext(c: cpu_t);             -- rtc 9
begin
  if cpu[c].r_s2 = LAST then REndGeneric(c);
  else cpu[c].r_s2 := cpu[c].r_s2 + 1; RScan(c); end;
end;

procedure HEndGeneric(c: cpu_t);       -- ipi 10: reset; 11: to while (bits)
begin
  for s: cpu_t do cpu[c].h_entries[s] := false; end;
  cpu[c].h_s := 0;
  cpu[c].h_s2 := 0;
  cpu[c].ipi_pc := IPI_WHILE;
end;

procedure HScan(c: cpu_t);             -- ipi 5
begin
  while !cpu[c].h_entries[cpu[c].h_s2] & cpu[c].h_s2 != LAST do
    cpu[c].h_s2 := cpu[c].h_s2 + 1;
  end;
  if cpu[c].h_entries[cpu[c].h_s2] then cpu[c].ipi_pc := IPI_UNLOCK;
  else HEndGeneric(c); end;
end;

procedure HNext(c: cpu_t);             -- ipi 7
begin
  if cpu[c].h_s2 = LAST then HEndGeneric(c);
  else cpu[c].h_s2 := cpu[c].h_s2 + 1; HScan(c); end;
end;

-- ---------------------------------------------------------------------

-- The level the CPU runs at: its innermost (highest-level) handler's.
function level(c: cpu_t): 0..7;
begin
  if cpu[c].dev_pc != 0 then return 7; end;
  if cpu[c].rtc_pc != 0 | cpu[c].ipi_pc != 0 then return 5; end;
  return 0;
end;

-- Which context runs: the innermost active handler, else the thread.
function dev_runs(c: cpu_t): boolean;
begin
  return cpu[c].dev_pc != 0;
end;

function rtc_runs(c: cpu_t): boolean;
begin
  return cpu[c].dev_pc = 0 & cpu[c].rtc_pc != 0;
end;

function ipi_runs(c: cpu_t): boolean;
begin
  return cpu[c].dev_pc = 0 & cpu[c].rtc_pc = 0 & cpu[c].ipi_pc != 0;
end;

function thread_runs(c: cpu_t): boolean;
begin
  return cpu[c].dev_pc = 0 & cpu[c].rtc_pc = 0 & cpu[c].ipi_pc = 0
       & cpu[c].pc != T_END;
end;

function finished(c: cpu_t): boolean;
begin
  return cpu[c].dev_pc = 0 & cpu[c].rtc_pc = 0 & cpu[c].ipi_pc = 0
       & cpu[c].pc = T_END;
end;

startstate "init"
begin
  ipi_lock := false;
  lost := false;
  for c: cpu_t do
    for s: cpu_t do
      cpu[c].cfd[s] := false;
      cpu[c].queued[s] := false;
      cpu[c].r_entries[s] := false;
      cpu[c].h_entries[s] := false;
      cpu[c].d_entries[s] := false;
    end;
    cpu[c].bits := false;
    cpu[c].irqs := true;
    cpu[c].dev_pc := 0;
    cpu[c].dev_saved := false;
    cpu[c].rtc_pc := 0;
    cpu[c].rtc_saved := false;
    cpu[c].ipi_pending := false;
    cpu[c].ipi_pc := 0;
    cpu[c].ipi_saved := false;
    cpu[c].r_s := 0;
    cpu[c].r_s2 := 0;
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
  -- thread sender on cpu 0 { flush(); }
  -- thread other on 1..CPUS-1 { if (ALL_SEND) { flush(); } }
  for c: cpu_t do
    if c = 0 | ALL_SEND then
      At_0(c);
    else
      cpu[c].pc := T_END;          -- finished at once: IRQs stay on
    end;
  end;
end;

ruleset c: cpu_t do

  -- ------------------------------------------------ the thread

  rule "T2 local_irq_save(flags)"
    thread_runs(c) & cpu[c].pc = T_IRQ_SAVE
  ==>
    cpu[c].flags := cpu[c].irqs;
    cpu[c].irqs := false;
    At_3(c);
  end;

  rule "T6 spin_trylock: atomic { if (l) return false; l = true; }"
    thread_runs(c) & cpu[c].pc = T_TRYLOCK
  ==>
    if ipi_lock then
      cpu[c].tl_result := false;
      cpu[c].got := false;         -- 9: got = ...; 10: if (!got)
      cpu[c].d_flags := false;     -- 11: var flags: bool
      cpu[c].pc := T_D_IF_BITS;
    else
      ipi_lock := true;
      cpu[c].tl_result := true;    -- 7: return true
      cpu[c].got := true;          -- 9; 10, 29, 5: the loop exits
      At_30(c);
    end;
  end;

  rule "T12 alpha_drain_ipi: if (bits)"
    thread_runs(c) & cpu[c].pc = T_D_IF_BITS
  ==>
    if cpu[c].bits then cpu[c].pc := T_D_IRQ_SAVE; else At_28(c); end;
  end;

  rule "T13 alpha_drain_ipi: local_irq_save(flags)"
    thread_runs(c) & cpu[c].pc = T_D_IRQ_SAVE
  ==>
    cpu[c].d_flags := cpu[c].irqs;
    cpu[c].irqs := false;
    cpu[c].pc := T_D_WHILE;
  end;

  rule "T14 handle_ipi: while (bits)"
    thread_runs(c) & cpu[c].pc = T_D_WHILE
  ==>
    if cpu[c].bits then cpu[c].pc := T_D_CLEAR; else At_26(c); end;
  end;

  rule "T15 handle_ipi: bits = false"
    thread_runs(c) & cpu[c].pc = T_D_CLEAR
  ==>
    cpu[c].bits := false;
    for s: cpu_t do cpu[c].d_entries[s] := false; end;   -- 16: var entries
    cpu[c].pc := T_D_ATOMIC;
  end;

  rule "T17 generic: atomic { entries = queued[me]; clear queued[me] }"
    thread_runs(c) & cpu[c].pc = T_D_ATOMIC
  ==>
    cpu[c].d_entries := cpu[c].queued;
    for s: cpu_t do cpu[c].queued[s] := false; end;
    cpu[c].d_s := LAST;
    cpu[c].d_s2 := 0;              -- 18
    DScan(c);
  end;

  rule "T20 generic: cfd[s][me] = false"
    thread_runs(c) & cpu[c].pc = T_D_UNLOCK
  ==>
    cpu[cpu[c].d_s2].cfd[c] := false;
    DNext(c);
  end;

  rule "T27 alpha_drain_ipi: local_irq_restore(flags)"
    thread_runs(c) & cpu[c].pc = T_D_RESTORE
  ==>
    cpu[c].irqs := cpu[c].d_flags;
    At_28(c);
  end;

  rule "T32 csd_lock: await !cfd[me][c]"
    thread_runs(c) & cpu[c].pc = T_CSD_LOCK & !cpu[c].cfd[cpu[c].c1]
  ==>
    cpu[c].pc := T_CSD_TAKE;
  end;

  rule "T33 cfd[me][c] = true"
    thread_runs(c) & cpu[c].pc = T_CSD_TAKE
  ==>
    cpu[c].cfd[cpu[c].c1] := true;
    cpu[c].pc := T_QUEUE;
  end;

  rule "T34 queued[c][me] = true"
    thread_runs(c) & cpu[c].pc = T_QUEUE
  ==>
    cpu[cpu[c].c1].queued[c] := true;
    Loop1Next(c);
  end;

  rule "T41 send_ipi_message: bits[to] = true"
    thread_runs(c) & cpu[c].pc = T_BITS
  ==>
    cpu[cpu[c].to_cpu].bits := true;
    cpu[c].pc := T_IF_IPL7;
  end;

  rule "T42 send_ipi_message: if (irq_level(to) >= 7)"
    thread_runs(c) & cpu[c].pc = T_IF_IPL7
  ==>
    if level(cpu[c].to_cpu) >= 7 then cpu[c].pc := T_CHOOSE;
    else cpu[c].pc := T_RAISE_B; end;
  end;

  rule "T43 choose: the edge arrives"
    thread_runs(c) & cpu[c].pc = T_CHOOSE
  ==>
    cpu[c].pc := T_RAISE_A;
  end;

  rule "T43 choose: the edge is lost"
    thread_runs(c) & cpu[c].pc = T_CHOOSE
  ==>
    cpu[c].pc := T_LOSE;
  end;

  rule "T44 raise(to, ipi)"
    thread_runs(c) & cpu[c].pc = T_RAISE_A
  ==>
    cpu[cpu[c].to_cpu].ipi_pending := true;
    Loop2Next(c);                  -- 45, 48: jumps to 50
  end;

  rule "T46 lost = true"
    thread_runs(c) & cpu[c].pc = T_LOSE
  ==>
    lost := true;
    Loop2Next(c);                  -- 47, 48: jumps to 50
  end;

  rule "T49 raise(to, ipi)"
    thread_runs(c) & cpu[c].pc = T_RAISE_B
  ==>
    cpu[cpu[c].to_cpu].ipi_pending := true;
    Loop2Next(c);
  end;

  rule "T55 csd_lock_wait: await !cfd[me][c]"
    thread_runs(c) & cpu[c].pc = T_CSD_WAIT & !cpu[c].cfd[cpu[c].c3]
  ==>
    Loop3Next(c);
  end;

  rule "T61 ipi_lock = false"
    thread_runs(c) & cpu[c].pc = T_UNLOCK
  ==>
    ipi_lock := false;
    At_62(c);
  end;

  rule "T63 local_irq_restore(flags)"
    thread_runs(c) & cpu[c].pc = T_RESTORE
  ==>
    cpu[c].irqs := cpu[c].flags;
    At_64(c);
  end;

  -- ------------------------------------------------ handler dev, level 7

  rule "DEV0 skip"
    dev_runs(c) & cpu[c].dev_pc = DEV_SKIP
  ==>
    cpu[c].dev_pc := DEV_RETURN;
  end;

  rule "dev return"
    dev_runs(c) & cpu[c].dev_pc = DEV_RETURN
  ==>
    cpu[c].irqs := cpu[c].dev_saved;
    cpu[c].dev_saved := false;
    cpu[c].dev_pc := 0;
  end;

  -- ------------------------------------------------ handler rtc, level 5

  rule "RTC1 alpha_poll_ipi_inirq: if (bits)"
    rtc_runs(c) & cpu[c].rtc_pc = RTC_IF_BITS
  ==>
    if cpu[c].bits then cpu[c].rtc_pc := RTC_WHILE;
    else cpu[c].rtc_pc := RTC_RETURN; end;     -- 15: reset (all zero)
  end;

  rule "RTC2 handle_ipi: while (bits)"
    rtc_runs(c) & cpu[c].rtc_pc = RTC_WHILE
  ==>
    if cpu[c].bits then cpu[c].rtc_pc := RTC_CLEAR;
    else cpu[c].rtc_pc := RTC_RETURN; end;     -- 14, 15: resets (all zero)
  end;

  rule "RTC3 handle_ipi: bits = false"
    rtc_runs(c) & cpu[c].rtc_pc = RTC_CLEAR
  ==>
    cpu[c].bits := false;
    for s: cpu_t do cpu[c].r_entries[s] := false; end;
    cpu[c].rtc_pc := RTC_ATOMIC;
  end;

  rule "RTC5 generic: atomic { entries = queued[me]; clear queued[me] }"
    rtc_runs(c) & cpu[c].rtc_pc = RTC_ATOMIC
  ==>
    cpu[c].r_entries := cpu[c].queued;
    for s: cpu_t do cpu[c].queued[s] := false; end;
    cpu[c].r_s := LAST;
    cpu[c].r_s2 := 0;
    RScan(c);
  end;

  rule "RTC8 generic: cfd[s][me] = false"
    rtc_runs(c) & cpu[c].rtc_pc = RTC_UNLOCK
  ==>
    cpu[cpu[c].r_s2].cfd[c] := false;
    RNext(c);
  end;

  rule "rtc return"
    rtc_runs(c) & cpu[c].rtc_pc = RTC_RETURN
  ==>
    cpu[c].irqs := cpu[c].rtc_saved;
    cpu[c].rtc_saved := false;
    cpu[c].rtc_pc := 0;
    for s: cpu_t do cpu[c].r_entries[s] := false; end;
    cpu[c].r_s := 0;
    cpu[c].r_s2 := 0;
  end;

  -- ------------------------------------------------ handler ipi, level 5

  rule "IPI0 handle_ipi: while (bits)"
    ipi_runs(c) & cpu[c].ipi_pc = IPI_WHILE
  ==>
    if cpu[c].bits then cpu[c].ipi_pc := IPI_CLEAR;
    else cpu[c].ipi_pc := IPI_RETURN; end;
  end;

  rule "IPI1 handle_ipi: bits = false"
    ipi_runs(c) & cpu[c].ipi_pc = IPI_CLEAR
  ==>
    cpu[c].bits := false;
    for s: cpu_t do cpu[c].h_entries[s] := false; end;
    cpu[c].ipi_pc := IPI_ATOMIC;
  end;

  rule "IPI3 generic: atomic { entries = queued[me]; clear queued[me] }"
    ipi_runs(c) & cpu[c].ipi_pc = IPI_ATOMIC
  ==>
    cpu[c].h_entries := cpu[c].queued;
    for s: cpu_t do cpu[c].queued[s] := false; end;
    cpu[c].h_s := LAST;
    cpu[c].h_s2 := 0;
    HScan(c);
  end;

  rule "IPI6 generic: cfd[s][me] = false"
    ipi_runs(c) & cpu[c].ipi_pc = IPI_UNLOCK
  ==>
    cpu[cpu[c].h_s2].cfd[c] := false;
    HNext(c);
  end;

  rule "ipi return"
    ipi_runs(c) & cpu[c].ipi_pc = IPI_RETURN
  ==>
    cpu[c].irqs := cpu[c].ipi_saved;
    cpu[c].ipi_saved := false;
    cpu[c].ipi_pc := 0;
    for s: cpu_t do cpu[c].h_entries[s] := false; end;
    cpu[c].h_s := 0;
    cpu[c].h_s2 := 0;
  end;

  -- ------------------------------------------------ taking interrupts
  -- A line is takeable when raised (timers always are), IRQs are on, and
  -- its level is strictly above the CPU's. No priorities: any takeable
  -- line may be taken.

  rule "take dev"
    cpu[c].irqs & level(c) < 7
  ==>
    cpu[c].dev_saved := cpu[c].irqs;
    cpu[c].irqs := false;
    cpu[c].dev_pc := DEV_SKIP;
  end;

  rule "take rtc"
    cpu[c].irqs & level(c) < 5
  ==>
    cpu[c].rtc_saved := cpu[c].irqs;
    cpu[c].irqs := false;
    -- 0: if (RESCUE) is on a param: silent
    if RESCUE then cpu[c].rtc_pc := RTC_IF_BITS;
    else cpu[c].rtc_pc := RTC_RETURN; end;
  end;

  rule "take ipi"
    cpu[c].ipi_pending & cpu[c].irqs & level(c) < 5
  ==>
    cpu[c].ipi_pending := false;
    cpu[c].ipi_saved := cpu[c].irqs;
    cpu[c].irqs := false;
    cpu[c].ipi_pc := IPI_WHILE;
  end;

  -- ipicheck's hang goal for this CPU (no progress statements here).
  liveness "cpu finishes" finished(c);

end;

liveness "every CPU has finished"
  forall c: cpu_t do finished(c) end;
