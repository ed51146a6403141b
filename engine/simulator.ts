/**
 * The simulation kernel: a clock and an event calendar. Handlers are plain
 * functions registered once and referred to by number; an event carries one
 * integer argument (a job, a server slot, a node index). Integer payloads keep
 * the hot loop free of allocation, which is what keeps memory flat.
 */
import { EventCalendar } from './calendar.js';

export type Handler = (arg: number) => void;

export class Simulator {
  /** Current simulated time (seconds by convention). */
  now = 0;
  /** Events executed so far (every kind, bookkeeping events included; not the placeholders `uncount` leaves out). */
  executed = 0;
  private readonly calendar: EventCalendar;
  private readonly handlers: Handler[] = [];
  private stopped = false;
  private uncounted = 0;

  constructor(initialEvents = 64) {
    this.calendar = new EventCalendar(initialEvents);
  }

  /** Registers a handler; the returned number is used when scheduling it. */
  on(handler: Handler): number {
    this.handlers.push(handler);
    return this.handlers.length - 1;
  }

  /** Schedules `handler(arg)` after `delay`; returns a handle for `cancel`. */
  schedule(delay: number, handler: number, arg = 0, priority = 0): number {
    if (!(delay >= 0)) throw new RangeError(`schedule: delay must be >= 0, got ${delay}`);
    return this.calendar.push(this.now + delay, handler, arg, priority);
  }

  /** Schedules at an absolute time, which must not be in the past. */
  scheduleAt(time: number, handler: number, arg = 0, priority = 0): number {
    if (!(time >= this.now)) throw new RangeError(`scheduleAt: time ${time} is before now (${this.now})`);
    return this.calendar.push(time, handler, arg, priority);
  }

  /**
   * The place in the event order an event scheduled now (at `priority`) would
   * take; `scheduleKeyed` puts an event there later. A structure that keeps
   * many future events outside the calendar (FixedDelayTimers) holds only its
   * earliest one in it and still runs each exactly where a plain `schedule`
   * would have.
   */
  reserveOrder(priority = 0): number {
    return this.calendar.reserveKey(priority);
  }

  /** Schedules at an absolute time (not in the past) in the order `reserveOrder` gave. */
  scheduleKeyed(time: number, order: number, handler: number, arg = 0): number {
    if (!(time >= this.now)) throw new RangeError(`scheduleKeyed: time ${time} is before now (${this.now})`);
    return this.calendar.pushKeyed(time, handler, arg, order);
  }

  /**
   * The event being run was bookkeeping that stands for no event of the model
   * (a cancelled deadline's placeholder): it is left out of `executed`.
   */
  uncount(): void {
    this.uncounted++;
  }

  cancel(handle: number): boolean {
    return this.calendar.cancel(handle);
  }

  get pending(): number {
    return this.calendar.size;
  }

  /** The calendar's work so far: insertions (events scheduled, placeholders included) and cancellations. */
  get calendarWork(): { readonly inserted: number; readonly cancelled: number } {
    return { inserted: this.calendar.inserted, cancelled: this.calendar.cancelled };
  }

  /** Events the calendar has room for without growing (its memory, in events). */
  get calendarCapacity(): number {
    return this.calendar.capacity;
  }

  /** Ends `run` after the current event. */
  stop(): void {
    this.stopped = true;
  }

  /**
   * Runs events in (time, priority, insertion) order until the calendar is
   * empty, `stop()` is called, or the next event lies after `until`; the
   * clock then stands at `until` (if finite), so time-weighted statistics can
   * be closed at the horizon.
   */
  run(until = Infinity): void {
    const cal = this.calendar;
    const handlers = this.handlers;
    this.stopped = false;
    let executed = this.executed;
    // A run that ended by a throw leaves its count behind: it is not this run's.
    this.uncounted = 0;
    while (cal.size > 0 && !this.stopped) {
      if (cal.peekTime() > until) break;
      this.now = cal.pop();
      executed++;
      handlers[cal.lastHandler]!(cal.lastArg);
    }
    this.executed = executed - this.uncounted;
    this.uncounted = 0;
    if (!this.stopped && Number.isFinite(until) && until > this.now) this.now = until;
  }
}
