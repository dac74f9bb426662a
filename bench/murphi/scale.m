-- scale.m: a hand-written Murphi encoding of bench/scale.ipi, the
-- benchmark protocol of docs/performance.md, for Rumur: scripts/bench.sh
-- (make bench) times it, scripts/crosscheck.sh and
-- bench/crosscheck_test.go check that it gives ipicheck's verdict and
-- ipicheck's reachable state and transition counts.
--
-- The encoding rules are those of alpha_sync_ipi.m (read its header): one
-- rule per ipicheck step, per CPU (the ruleset) and per program counter a
-- context can rest at; silent local-only code merged into the step before
-- it (the procedures below); interrupt entry and return are transitions
-- of their own; the timers dev and rtc are always raised; a handler's
-- locals are reset when it returns, a function's body locals and value
-- parameters when it returns; a finished thread leaves its CPU with IRQs
-- on.
--
-- Program counters are ipicheck's (model/compile*.go as of commit
-- 0104e15): the thread's instruction index, 28 when finished; a handler's
-- pc + 1, 0 when it does not run. The thread's instructions:
--
--    0 r = 1 (for)          silent      14 handle_ipi returns    silent
--    1 var flags            silent      15 local_irq_restore(flags)
--    2 var got = false      silent      16 drain returns         silent
--    3 local_irq_save(flags)            17 end of the while body silent
--    4 while (!got)         silent      18 atomic { mailbox[c], need[c] }
--    5 atomic { got = !ipi_lock; ... }  19 atomic { wripir(c) ... }
--    6 if (!got)            silent      20 await forall !need[c]
--    7 drain: var flags     silent      21 assert forall !mailbox[c]
--    8 drain: if (mailbox)              22 ipi_lock = false
--    9 drain: local_irq_save(flags)     23 local_irq_restore(flags)
--   10 handle_ipi: var ops  silent      24 flush returns         silent
--   11 atomic { ops = mailbox; ... }    25-27 for (r ...)        silent
--   12 if (ops)             silent      28 finished
--   13 need = false
--
-- The rtc and ipi handlers are handle_ipi(): 0 var ops (silent), 1 the
-- xchg atomic, 2 if (ops) (silent), 3 need = false, 4 handle_ipi returns
-- (silent), 5 the return; dev's body is empty, so taking it leaves it at
-- its return.
--
-- State: every slot of ipicheck's state vector is a variable here, except
-- three thread locals whose value is a function of the thread's pc, so
-- that leaving them out keeps the state count: flush's two loop variables
-- (c, c#2, declared inside the atomic blocks of steps 18 and 19: each is
-- the last CPU from its step until flush returns, 0 otherwise) and
-- wripir's value parameter (reset when wripir returns, inside step 19:
-- always 0 where the thread rests). They are CPU ids that are dead where
-- the thread rests; as Murphi scalarset values they could not be written
-- as constants, and ipicheck's --symmetry zeroes them too. The loop
-- variable r (1..ROUNDS) is kept: it is live.
--
-- CPU ids: the CPUs form the scalarset cpu_t, used only to index per-CPU
-- data and to skip the running CPU in "for (c in others)" loops and
-- quantifiers, as in the spec. So the same model runs with Rumur's
-- symmetry reduction (--symmetry-reduction heuristic or exhaustive) and
-- without (--symmetry-reduction off: every scalarset is a range, and the
-- reachable states are exactly ipicheck's without --symmetry).
--
-- Properties, as ipicheck checks them:
--   * deadlock: rumur --deadlock-detection stuck. No "done" rule is
--     needed (unlike alpha_sync_ipi.m): a finished CPU has IRQs on and
--     can always take the dev timer, so no state is without transitions
--     unless some CPU is stuck, which is ipicheck's deadlock.
--   * the assertion of step 21, a Murphi assert in that rule.
--   * the hang: ipicheck reports a HANG when a reachable bottom SCC has
--     no state where some CPU has finished (the spec has no progress
--     statements). Rumur's liveness P holds when P is reachable from
--     every reachable state (AG EF P). The property below is AG EF (every
--     CPU has finished). It is equivalent here: a thread that reaches its
--     end stays there, so in a bottom SCC where each CPU finishes
--     somewhere every thread has ended, and a state where every handler
--     has returned as well is reachable. The per-CPU form, AG EF
--     finished(c) for each c, is not used because under symmetry
--     reduction Rumur would evaluate it on canonical representatives, a
--     different property; the conjunction is symmetric, so it is exact
--     with and without the reduction.
--
-- Params: edit the lines marked @param (scripts/crosscheck.sh and
-- scripts/bench.sh do).

const
  CPUS: 3;            -- @param number of CPUs
  ROUNDS: 1;          -- @param flushes per CPU (1..4)

  -- The thread's resting points.
  T_IRQ_SAVE: 3;      -- local_irq_save(flags)
  T_TRYLOCK: 5;       -- atomic { got = !ipi_lock; ipi_lock = true; }
  T_D_IF: 8;          -- drain: if (mailbox)
  T_D_SAVE: 9;        -- drain: local_irq_save(flags)
  T_D_XCHG: 11;       -- drain > handle_ipi: atomic { ops = mailbox; mailbox = false; }
  T_D_ACK: 13;        -- drain > handle_ipi: need = false
  T_D_RESTORE: 15;    -- drain: local_irq_restore(flags)
  T_SET: 18;          -- atomic { for (c in others) { mailbox[c] = true; need[c] = true; } }
  T_WRIPIR: 19;       -- atomic { for (c in others) { wripir(c); } }
  T_WAIT: 20;         -- await forall (c in others) !need[c]
  T_ASSERT: 21;       -- assert forall (c in others) !mailbox[c]
  T_UNLOCK: 22;       -- ipi_lock = false
  T_RESTORE: 23;      -- local_irq_restore(flags)
  T_END: 28;          -- finished

  -- Handler dev (level 7, timer, empty body): pc + 1, 0 = not running.
  DEV_RETURN: 1;
  -- Handlers rtc (level 5, timer) and ipi (level 5): handle_ipi().
  H_XCHG: 2;          -- atomic { ops = mailbox; mailbox = false; }
  H_ACK: 4;           -- need = false
  H_RETURN: 6;

type
  cpu_t: scalarset(CPUS);
  round_t: 1..ROUNDS;

  cpu_rec: record
    -- per-CPU variables of the spec
    mailbox: boolean;     -- ipi_data[cpu].bits
    need: boolean;        -- the CPU still has to run the call and ack it
    -- interrupt state
    irqs: boolean;
    dev_pc: 0..DEV_RETURN;
    dev_saved: boolean;
    rtc_pc: 0..H_RETURN;
    rtc_saved: boolean;
    ipi_pending: boolean;
    ipi_pc: 0..H_RETURN;
    ipi_saved: boolean;
    rtc_ops: boolean;     -- rtc > handle_ipi.ops
    ipi_ops: boolean;     -- ipi > handle_ipi.ops
    -- the thread
    pc: T_IRQ_SAVE..T_END;
    r: round_t;           -- for (r in 1..ROUNDS)
    flags: boolean;       -- flush.flags
    got: boolean;         -- flush.got
    d_flags: boolean;     -- drain.flags
    ops: boolean;         -- flush > drain > handle_ipi.ops
  end;

var
  ipi_lock: boolean;
  cpu: array[cpu_t] of cpu_rec;

-- ---------------------------------------------------------------------
-- Silent code of the thread.

-- 1, 2: flush starts: var flags; var got = false; then 3 is visible.
procedure FlushStart(p: cpu_t);
begin
  cpu[p].flags := false;
  cpu[p].got := false;
  cpu[p].pc := T_IRQ_SAVE;
end;

-- 24: flush returns: its locals are reset; 25-27: the next round, or
-- 28: the thread ends, leaving IRQs on.
procedure FlushReturn(p: cpu_t);
begin
  cpu[p].flags := false;
  cpu[p].got := false;
  cpu[p].d_flags := false;
  cpu[p].ops := false;
  if cpu[p].r != ROUNDS then
    cpu[p].r := cpu[p].r + 1;
    FlushStart(p);
  else
    cpu[p].pc := T_END;
    cpu[p].irqs := true;
  end;
end;

-- 16: drain returns (its locals reset); 17: back to 4: while (!got),
-- got being false: on to 5, the trylock again.
procedure DrainReturn(p: cpu_t);
begin
  cpu[p].d_flags := false;
  cpu[p].ops := false;
  cpu[p].pc := T_TRYLOCK;
end;

-- ---------------------------------------------------------------------

-- irq_level(c): the level of the innermost running handler, 0 in task
-- context.
function level(p: cpu_t): 0..7;
begin
  if cpu[p].dev_pc != 0 then return 7; end;
  if cpu[p].rtc_pc != 0 | cpu[p].ipi_pc != 0 then return 5; end;
  return 0;
end;

-- Which context runs: the innermost running handler (the highest level
-- first), else the thread.
function dev_runs(p: cpu_t): boolean;
begin
  return cpu[p].dev_pc != 0;
end;

function rtc_runs(p: cpu_t): boolean;
begin
  return cpu[p].dev_pc = 0 & cpu[p].rtc_pc != 0;
end;

function ipi_runs(p: cpu_t): boolean;
begin
  return cpu[p].dev_pc = 0 & cpu[p].rtc_pc = 0 & cpu[p].ipi_pc != 0;
end;

function thread_runs(p: cpu_t): boolean;
begin
  return cpu[p].dev_pc = 0 & cpu[p].rtc_pc = 0 & cpu[p].ipi_pc = 0
       & cpu[p].pc != T_END;
end;

-- finished(c): the thread has ended and no handler runs.
function finished(p: cpu_t): boolean;
begin
  return cpu[p].dev_pc = 0 & cpu[p].rtc_pc = 0 & cpu[p].ipi_pc = 0
       & cpu[p].pc = T_END;
end;

startstate "init"
begin
  ipi_lock := false;
  for p: cpu_t do
    cpu[p].mailbox := false;
    cpu[p].need := false;
    cpu[p].irqs := true;
    cpu[p].dev_pc := 0;
    cpu[p].dev_saved := false;
    cpu[p].rtc_pc := 0;
    cpu[p].rtc_saved := false;
    cpu[p].ipi_pending := false;
    cpu[p].ipi_pc := 0;
    cpu[p].ipi_saved := false;
    cpu[p].rtc_ops := false;
    cpu[p].ipi_ops := false;
    cpu[p].d_flags := false;
    cpu[p].ops := false;
    -- 0: for (r in 1..ROUNDS) starts; 1, 2: flush's leading silent code.
    cpu[p].r := 1;
    FlushStart(p);
  end;
end;

ruleset p: cpu_t do

  -- ------------------------------------------------ the thread

  rule "T3 local_irq_save(flags)"
    thread_runs(p) & cpu[p].pc = T_IRQ_SAVE
  ==>
    cpu[p].flags := cpu[p].irqs;
    cpu[p].irqs := false;
    cpu[p].pc := T_TRYLOCK;        -- 4: while (!got), got is false
  end;

  rule "T5 atomic { got = !ipi_lock; ipi_lock = true; }"
    thread_runs(p) & cpu[p].pc = T_TRYLOCK
  ==>
    cpu[p].got := !ipi_lock;
    ipi_lock := true;
    if cpu[p].got then
      cpu[p].pc := T_SET;          -- 6, 17, 4: the loop exits
    else
      cpu[p].d_flags := false;     -- 6: if (!got); 7: drain: var flags
      cpu[p].pc := T_D_IF;
    end;
  end;

  rule "T8 drain: if (mailbox)"
    thread_runs(p) & cpu[p].pc = T_D_IF
  ==>
    if cpu[p].mailbox then
      cpu[p].pc := T_D_SAVE;
    else
      DrainReturn(p);
    end;
  end;

  rule "T9 drain: local_irq_save(flags)"
    thread_runs(p) & cpu[p].pc = T_D_SAVE
  ==>
    cpu[p].d_flags := cpu[p].irqs;
    cpu[p].irqs := false;
    cpu[p].ops := false;           -- 10: handle_ipi: var ops
    cpu[p].pc := T_D_XCHG;
  end;

  rule "T11 handle_ipi: atomic { ops = mailbox; mailbox = false; }"
    thread_runs(p) & cpu[p].pc = T_D_XCHG
  ==>
    cpu[p].ops := cpu[p].mailbox;
    cpu[p].mailbox := false;
    if cpu[p].ops then             -- 12: if (ops)
      cpu[p].pc := T_D_ACK;
    else
      cpu[p].ops := false;         -- 14: handle_ipi returns
      cpu[p].pc := T_D_RESTORE;
    end;
  end;

  rule "T13 handle_ipi: need = false"
    thread_runs(p) & cpu[p].pc = T_D_ACK
  ==>
    cpu[p].need := false;
    cpu[p].ops := false;           -- 14: handle_ipi returns
    cpu[p].pc := T_D_RESTORE;
  end;

  rule "T15 drain: local_irq_restore(flags)"
    thread_runs(p) & cpu[p].pc = T_D_RESTORE
  ==>
    cpu[p].irqs := cpu[p].d_flags;
    DrainReturn(p);
  end;

  rule "T18 atomic { for (c in others) { mailbox[c] = true; need[c] = true; } }"
    thread_runs(p) & cpu[p].pc = T_SET
  ==>
    for t: cpu_t do
      if t != p then
        cpu[t].mailbox := true;
        cpu[t].need := true;
      end;
    end;
    cpu[p].pc := T_WRIPIR;
  end;

  rule "T19 atomic { for (c in others) { wripir(c); } }"
    thread_runs(p) & cpu[p].pc = T_WRIPIR
  ==>
    for t: cpu_t do
      if t != p then
        -- wripir(): the edge is lost when the target runs at IPL 7.
        if level(t) != 7 then
          cpu[t].ipi_pending := true;
        end;
      end;
    end;
    cpu[p].pc := T_WAIT;
  end;

  rule "T20 await forall (c in others) !need[c]"
    thread_runs(p) & cpu[p].pc = T_WAIT
    & forall t: cpu_t do t = p | !cpu[t].need end
  ==>
    cpu[p].pc := T_ASSERT;
  end;

  rule "T21 assert forall (c in others) !mailbox[c]"
    thread_runs(p) & cpu[p].pc = T_ASSERT
  ==>
    assert forall t: cpu_t do t = p | !cpu[t].mailbox end
      "a target acked with its mailbox bit still set";
    cpu[p].pc := T_UNLOCK;
  end;

  rule "T22 ipi_lock = false"
    thread_runs(p) & cpu[p].pc = T_UNLOCK
  ==>
    ipi_lock := false;
    cpu[p].pc := T_RESTORE;
  end;

  rule "T23 local_irq_restore(flags)"
    thread_runs(p) & cpu[p].pc = T_RESTORE
  ==>
    cpu[p].irqs := cpu[p].flags;
    FlushReturn(p);
  end;

  -- ------------------------------------------------ handler dev, level 7

  rule "dev return"
    dev_runs(p) & cpu[p].dev_pc = DEV_RETURN
  ==>
    cpu[p].irqs := cpu[p].dev_saved;
    cpu[p].dev_saved := false;
    cpu[p].dev_pc := 0;
  end;

  -- ------------------------------------------------ handler rtc, level 5

  rule "rtc: atomic { ops = mailbox; mailbox = false; }"
    rtc_runs(p) & cpu[p].rtc_pc = H_XCHG
  ==>
    cpu[p].rtc_ops := cpu[p].mailbox;
    cpu[p].mailbox := false;
    if cpu[p].rtc_ops then         -- 2: if (ops)
      cpu[p].rtc_pc := H_ACK;
    else
      cpu[p].rtc_ops := false;     -- 4: handle_ipi returns
      cpu[p].rtc_pc := H_RETURN;
    end;
  end;

  rule "rtc: need = false"
    rtc_runs(p) & cpu[p].rtc_pc = H_ACK
  ==>
    cpu[p].need := false;
    cpu[p].rtc_ops := false;       -- 4: handle_ipi returns
    cpu[p].rtc_pc := H_RETURN;
  end;

  rule "rtc return"
    rtc_runs(p) & cpu[p].rtc_pc = H_RETURN
  ==>
    cpu[p].irqs := cpu[p].rtc_saved;
    cpu[p].rtc_saved := false;
    cpu[p].rtc_pc := 0;
    cpu[p].rtc_ops := false;
  end;

  -- ------------------------------------------------ handler ipi, level 5

  rule "ipi: atomic { ops = mailbox; mailbox = false; }"
    ipi_runs(p) & cpu[p].ipi_pc = H_XCHG
  ==>
    cpu[p].ipi_ops := cpu[p].mailbox;
    cpu[p].mailbox := false;
    if cpu[p].ipi_ops then
      cpu[p].ipi_pc := H_ACK;
    else
      cpu[p].ipi_ops := false;
      cpu[p].ipi_pc := H_RETURN;
    end;
  end;

  rule "ipi: need = false"
    ipi_runs(p) & cpu[p].ipi_pc = H_ACK
  ==>
    cpu[p].need := false;
    cpu[p].ipi_ops := false;
    cpu[p].ipi_pc := H_RETURN;
  end;

  rule "ipi return"
    ipi_runs(p) & cpu[p].ipi_pc = H_RETURN
  ==>
    cpu[p].irqs := cpu[p].ipi_saved;
    cpu[p].ipi_saved := false;
    cpu[p].ipi_pc := 0;
    cpu[p].ipi_ops := false;
  end;

  -- ------------------------------------------------ taking interrupts
  -- A line is takeable when raised (timers always are), IRQs are on, and
  -- its level is strictly above the CPU's. No priorities: any takeable
  -- line may be taken. Taking it clears the pending bit, saves and
  -- clears the IRQ flag and runs the handler's leading silent code
  -- (handle_ipi's var ops).

  rule "take dev"
    cpu[p].irqs & level(p) < 7
  ==>
    cpu[p].dev_saved := cpu[p].irqs;
    cpu[p].irqs := false;
    cpu[p].dev_pc := DEV_RETURN;   -- an empty body: at its return
  end;

  rule "take rtc"
    cpu[p].irqs & level(p) < 5
  ==>
    cpu[p].rtc_saved := cpu[p].irqs;
    cpu[p].irqs := false;
    cpu[p].rtc_ops := false;
    cpu[p].rtc_pc := H_XCHG;
  end;

  rule "take ipi"
    cpu[p].ipi_pending & cpu[p].irqs & level(p) < 5
  ==>
    cpu[p].ipi_pending := false;
    cpu[p].ipi_saved := cpu[p].irqs;
    cpu[p].irqs := false;
    cpu[p].ipi_ops := false;
    cpu[p].ipi_pc := H_XCHG;
  end;

end;

-- ipicheck's hang check (see the header): from every reachable state, a
-- state where every CPU has finished can be reached.
liveness "every CPU has finished"
  forall p: cpu_t do finished(p) end;
