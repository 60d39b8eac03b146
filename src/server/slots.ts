// Account-wide concurrency: each one-shot, open context and non-empty flush buffer holds one slot.

export class Slots {
  active = 0;
  constructor(private readonly max = Infinity) {}
  /** A release function (safe to call twice), or undefined when every slot is taken. */
  acquire(): (() => void) | undefined {
    if (this.active >= this.max) return undefined;
    this.active++;
    let held = true;
    return () => {
      if (held) this.active--;
      held = false;
    };
  }
}

/** The slots one connection holds, so that all of them are given back when it closes. */
export class HeldSlots {
  private readonly held = new Set<() => void>();
  constructor(private readonly slots: Slots) {}

  acquire(): (() => void) | undefined {
    const release = this.slots.acquire();
    if (!release) return undefined;
    const once = () => {
      this.held.delete(once);
      release();
    };
    this.held.add(once);
    return once;
  }

  releaseAll(): void {
    for (const release of [...this.held]) release();
  }
}
