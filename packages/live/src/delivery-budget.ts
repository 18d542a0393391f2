/**
 * The events one process may deliver to live views per second, over all dashboards: a token
 * bucket of `perSecond` deliveries (one event to one view is one), holding at most one
 * second's worth. A dashboard's coalescer asks it before sending an event to the dashboard's
 * views; when it says no, the event waits in the coalescer, where later events of the same
 * bucket replace it, so that views get fewer, later events instead of a growing backlog.
 */
export class DeliveryBudget {
  private tokens: number;
  private refilledAt = performance.now();

  constructor(readonly perSecond: number) {
    this.tokens = perSecond;
  }

  /**
   * Takes `deliveries` if the budget has them (or, for more views than a second's worth, a
   * full budget: such a dashboard still gets an event a second). False when it has not.
   */
  take(deliveries: number): boolean {
    const now = performance.now();
    this.tokens = Math.min(
      this.perSecond,
      this.tokens + ((now - this.refilledAt) * this.perSecond) / 1000,
    );
    this.refilledAt = now;
    if (this.tokens < Math.min(deliveries, this.perSecond)) return false;
    this.tokens -= deliveries;
    return true;
  }
}
