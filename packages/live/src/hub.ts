import { randomBytes } from 'node:crypto';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { AppError } from '@bucketgrid/shared';
import type { Store } from '@bucketgrid/store';
import { Batcher } from './batcher.ts';
import { Coalescer } from './coalescer.ts';
import { DeliveryBudget } from './delivery-budget.ts';
import { DEFAULT_LIVE_LIMITS, type LiveLimits } from './limits.ts';
import {
  changesOf,
  type DashboardEvent,
  eventKey,
  type LiveChange,
  type LiveEvent,
  type LiveEvents,
} from './live-events.ts';
import { type LiveMessage, LiveView, type ViewOwner } from './view.ts';

export type LiveLogger = (
  level: 'info' | 'warn' | 'error',
  message: string,
  fields?: Record<string, unknown>,
) => void;

export interface OpenViewRequest {
  /** The dashboard, already authorised for `owner` by the caller. */
  dashboardId: string;
  /** A bucket of that dashboard, for a view of one bucket's records. */
  bucketId?: string;
  owner: ViewOwner;
  /** The id of the last event the client got, when it reconnects. */
  lastEventId?: string | null;
  /** Aborts when the client goes away: the view ends and its caps are released. */
  signal: AbortSignal;
}

export interface LiveStats {
  views: number;
  dashboards: number;
  sessions: number;
  users: number;
  addresses: number;
  /** The most events any open view holds undelivered. */
  longestQueue: number;
}

/** A stored message with its position, for resuming. */
interface Sequenced extends LiveMessage {
  seq: number;
}

/** What share-link views are sent: one change, with the position of the event it came in. */
interface SequencedChange extends Sequenced {
  event: LiveChange;
}

/** The shared fan-out of one dashboard: one subscription, one batcher, many views. */
interface Channel {
  views: Set<LiveView>;
  /** The last `limits.replay` events, oldest first. */
  recent: Sequenced[];
  /** Every event after this position is still in `recent`. */
  completeAfter: number;
  /** Gathers the dashboard's changes into the events its members' views get. */
  batcher: Batcher<LiveChange>;
  /** The views opened with a share link (also in `views`). */
  shareViews: Set<LiveView>;
  /**
   * Paces what share-link views get: one change per event, at most one per bucket per
   * `shareCoalesceMs`, so a public page's many anonymous viewers cost a bounded number of
   * deliveries however busy the dashboard (members' views keep the dashboard's pace).
   */
  shareCoalescer: Coalescer<SequencedChange>;
  /** Per event key, the position of the last event sent to the share-link views. */
  shareSent: Map<string, number>;
  /** The position of the last refresh (events were lost: anything may have changed). */
  shareFloor: number;
  subscription: AbortController;
  linger: NodeJS.Timeout | undefined;
}

/** Per-key counts of open views, for the caps. */
class Counts {
  private readonly counts = new Map<string, number>();

  get size(): number {
    return this.counts.size;
  }

  of(key: string): number {
    return this.counts.get(key) ?? 0;
  }

  add(key: string): void {
    this.counts.set(key, this.of(key) + 1);
  }

  remove(key: string): void {
    const left = this.of(key) - 1;
    if (left > 0) this.counts.set(key, left);
    else this.counts.delete(key);
  }
}

/** Re-checks yield to other work after this many store lookups. */
const RECHECK_BATCH = 100;

/**
 * Every live view of this process. Changes reach it through `LiveEvents`, once per dashboard
 * with open views, are gathered per dashboard (at most one event per `coalesceMs`, telling of
 * every change since the last) and fanned out to that dashboard's views (as the process's
 * delivery budget allows); each view has a bounded queue. Opening a
 * view counts it against per-session, per-user, per-address, per-dashboard and per-process caps; ending it (the client left, it fell behind, its session
 * or membership ended) releases them. Views re-check their authorisation periodically, so
 * changes made by another process (the CLI) end them too.
 */
export class LiveHub {
  private readonly limits: LiveLimits;
  /** Distinguishes this hub's event ids from those of an earlier process. */
  private readonly epoch = randomBytes(6).toString('base64url');
  private seq = 0;
  private readonly channels = new Map<string, Channel>();
  private readonly views = new Set<LiveView>();
  private readonly perSession = new Counts();
  private readonly perUser = new Counts();
  private readonly perAddress = new Counts();
  private readonly perShareLink = new Counts();
  private readonly perShareAddress = new Counts();
  private readonly budget: DeliveryBudget;
  private readonly recheckTimer: NodeJS.Timeout;
  private rechecking = false;
  private closed = false;

  constructor(
    private readonly deps: {
      events: LiveEvents;
      store: Store;
      now: () => number;
      logger: LiveLogger;
      limits?: Partial<LiveLimits>;
    },
  ) {
    this.limits = { ...DEFAULT_LIVE_LIMITS, ...deps.limits };
    this.budget = new DeliveryBudget(this.limits.deliveriesPerSecond);
    this.recheckTimer = setInterval(() => void this.recheck(), this.limits.recheckMs);
    this.recheckTimer.unref();
  }

  /** Tells every view of the dashboard, in every process `LiveEvents` reaches. */
  publish(dashboardId: string, event: DashboardEvent): void {
    this.deps.events.publish(dashboardId, event);
  }

  /**
   * Opens a view, or throws `too_many_live_views` past a cap. The caller has checked that
   * the owner may see the dashboard (and that the bucket is the dashboard's).
   */
  open(request: OpenViewRequest): LiveView {
    const { owner } = request;
    if (this.closed || this.views.size >= this.limits.perProcess) {
      throw new AppError(
        'service_unavailable',
        'The server has as many live views open as it serves; try again in a minute.',
        { retryAfterSeconds: 60 },
      );
    }
    const cap = (count: number, limit: number, who: string) => {
      if (count >= limit) {
        throw new AppError(
          'too_many_live_views',
          `${who} has ${limit} live views open, the most allowed: close a tab or view first.`,
          { retryAfterSeconds: 10 },
        );
      }
    };
    const existing = this.channels.get(request.dashboardId);
    if (owner.shareLink) {
      // Anonymous viewers of a public link count in caps of their own, never in members'.
      cap(this.perShareLink.of(owner.shareLink.id), this.limits.perShareLink, 'This share link');
      cap(
        this.perShareAddress.of(owner.address),
        this.limits.perShareAddress,
        'Your network address',
      );
    } else {
      cap(this.perSession.of(owner.sessionId), this.limits.perSession, 'This session');
      cap(this.perUser.of(owner.userId), this.limits.perUser, 'Your account');
      cap(this.perAddress.of(owner.address), this.limits.perAddress, 'Your network address');
      cap(this.memberViews(existing), this.limits.perDashboard, 'This dashboard');
    }

    const channel = existing ?? this.openChannel(request.dashboardId);
    const preface = this.resume(channel, existing !== undefined, request);
    const view = new LiveView(
      request.dashboardId,
      request.bucketId,
      owner,
      this.limits.queue,
      preface,
      (ended) => this.release(ended, channel),
    );
    this.views.add(view);
    this.count(owner, 'add');
    channel.views.add(view);
    if (owner.shareLink) channel.shareViews.add(view);
    clearTimeout(channel.linger);
    channel.linger = undefined;

    if (request.signal.aborted) view.end();
    else request.signal.addEventListener('abort', () => view.end(), { once: true });
    return view;
  }

  /** Ends the views opened with this session (signed out). */
  endSession(sessionId: string): void {
    this.endWhere((view) => view.owner.sessionId === sessionId, sessionEnded());
  }

  /** Ends every view of the user (their sessions were all ended). */
  endUser(userId: string): void {
    this.endWhere((view) => view.owner.userId === userId, sessionEnded());
  }

  /** Ends the user's views of the dashboard (they are no longer a member). */
  endMembership(dashboardId: string, userId: string): void {
    this.endWhere(
      (view) => view.dashboardId === dashboardId && view.owner.userId === userId,
      dashboardGone(),
    );
  }

  /**
   * Ends the views opened with a share link (it was revoked, or its token replaced): told by
   * the dashboard's `shareLinkEnded` event, which the store's change publishes
   * (publishing-store.ts) in every process.
   */
  endShareLink(linkId: string): void {
    this.endWhere((view) => view.owner.shareLink?.id === linkId, shareLinkGone());
  }

  /**
   * How far the share-link views of the dashboard were told about the bucket's records: the
   * position of the last such event sent to them (0: none yet), or null when none is open in
   * this process. An answer read after that position holds every write they were told of, so
   * it may serve them all until the next event (services/share-read-cache.ts).
   */
  shareEventPosition(dashboardId: string, bucketId: string): number | null {
    const channel = this.channels.get(dashboardId);
    if (!channel || channel.shareViews.size === 0) return null;
    const sent = channel.shareSent.get(eventKey({ type: 'records', bucketId, at: 0 })) ?? 0;
    return Math.max(sent, channel.shareFloor);
  }

  /** Ends every view of the dashboard (it was deleted). */
  endDashboard(dashboardId: string): void {
    this.endWhere((view) => view.dashboardId === dashboardId, dashboardGone());
  }

  /** Ends the views of one bucket (it was deleted). */
  endBucket(bucketId: string): void {
    this.endWhere((view) => view.bucketId === bucketId, bucketGone());
  }

  stats(): LiveStats {
    return {
      views: this.views.size,
      dashboards: this.channels.size,
      sessions: this.perSession.size,
      users: this.perUser.size,
      addresses: this.perAddress.size,
      longestQueue: [...this.views].reduce((longest, view) => Math.max(longest, view.queued), 0),
    };
  }

  /** Ends every view (the server is stopping; clients reconnect to the next process). */
  close(): void {
    this.closed = true;
    clearInterval(this.recheckTimer);
    this.endWhere(
      () => true,
      new AppError('service_unavailable', 'The server is restarting; reconnect in a moment.'),
    );
    for (const dashboardId of [...this.channels.keys()]) this.closeChannel(dashboardId);
  }

  /**
   * Looks up, for every open view, whether its session is still valid, its owner still a
   * member and its bucket still there, ending those that are not. One lookup per distinct
   * session, membership and bucket; never two runs at once.
   */
  async recheck(): Promise<void> {
    if (this.rechecking) return;
    this.rechecking = true;
    const { store } = this.deps;
    const sessions = new Map<string, boolean>();
    const memberships = new Map<string, boolean>();
    const buckets = new Map<string, boolean>();
    const links = new Map<string, boolean>();
    let lookups = 0;
    const known = async (
      cache: Map<string, boolean>,
      key: string,
      lookup: () => Promise<boolean>,
    ) => {
      let valid = cache.get(key);
      if (valid === undefined) {
        valid = await lookup();
        cache.set(key, valid);
        if (++lookups % RECHECK_BATCH === 0) await yieldToEventLoop();
      }
      return valid;
    };
    try {
      for (const view of [...this.views]) {
        if (view.ended) continue;
        const { owner, dashboardId, bucketId } = view;
        if (owner.shareLink) {
          const { id, tokenHash } = owner.shareLink;
          const linkValid = await known(links, `${id}\n${tokenHash}`, async () => {
            const link = await store.getShareLink(id);
            return (
              link?.tokenHash === tokenHash &&
              link.dashboardId === dashboardId &&
              (link.expiresAt === null || link.expiresAt > this.deps.now())
            );
          });
          if (!linkValid) view.end(shareLinkGone());
          continue;
        }
        const sessionValid = await known(sessions, owner.sessionId, async () => {
          const session = await store.getSession(owner.sessionId);
          return session?.userId === owner.userId && session.expiresAt > this.deps.now();
        });
        if (!sessionValid) {
          view.end(sessionEnded());
          continue;
        }
        const member = await known(
          memberships,
          `${dashboardId}\n${owner.userId}`,
          async () => (await store.getMembership(dashboardId, owner.userId)) !== null,
        );
        if (!member) {
          view.end(dashboardGone());
          continue;
        }
        if (bucketId === undefined) continue;
        const bucketThere = await known(
          buckets,
          bucketId,
          async () => (await store.getBucket(bucketId))?.dashboardId === dashboardId,
        );
        if (!bucketThere) view.end(bucketGone());
      }
    } catch (error) {
      this.deps.logger('error', 'live view re-check failed', {
        error: error instanceof Error ? error.message : String(error),
      });
    } finally {
      this.rechecking = false;
    }
  }

  private endWhere(match: (view: LiveView) => boolean, error: AppError): void {
    for (const view of [...this.views]) if (match(view)) view.end(error);
  }

  private release(view: LiveView, channel: Channel): void {
    if (!this.views.delete(view)) return;
    this.count(view.owner, 'remove');
    channel.views.delete(view);
    channel.shareViews.delete(view);
    if (channel.views.size === 0 && !this.closed) {
      channel.linger = setTimeout(() => this.closeChannel(view.dashboardId), this.limits.lingerMs);
      channel.linger.unref();
    }
  }

  private count(owner: ViewOwner, change: 'add' | 'remove'): void {
    if (owner.shareLink) {
      this.perShareLink[change](owner.shareLink.id);
      this.perShareAddress[change](owner.address);
    } else {
      this.perSession[change](owner.sessionId);
      this.perUser[change](owner.userId);
      this.perAddress[change](owner.address);
    }
  }

  /** Members' views of the dashboard (share-link views have their own cap). */
  private memberViews(channel: Channel | undefined): number {
    let views = 0;
    for (const view of channel?.views ?? []) if (!view.owner.shareLink) views++;
    return views;
  }

  private openChannel(dashboardId: string): Channel {
    const channel: Channel = {
      views: new Set(),
      shareViews: new Set(),
      shareSent: new Map(),
      shareFloor: 0,
      shareCoalescer: new Coalescer(
        this.limits.shareCoalesceMs,
        this.limits.eventsPerSecond,
        (message) => {
          channel.shareSent.set(eventKey(message.event), message.seq);
          for (const view of channel.shareViews)
            if (view.wants(message.event)) view.deliver(message);
        },
        () => this.budget.take(channel.shareViews.size),
      ),
      recent: [],
      completeAfter: this.seq,
      batcher: new Batcher(
        this.limits.coalesceMs,
        (changes) => this.fanOut(channel, changes),
        () => this.budget.take(channel.views.size - channel.shareViews.size),
      ),
      subscription: new AbortController(),
      linger: undefined,
    };
    this.channels.set(dashboardId, channel);
    this.deps.events.subscribe(
      dashboardId,
      {
        event: (event) => {
          if (event.type === 'shareLinkEnded') this.endShareLink(event.shareLinkId);
          else channel.batcher.push(eventKey(event), event);
        },
        missed: () => void this.refreshChannel(dashboardId, channel),
      },
      channel.subscription.signal,
    );
    return channel;
  }

  /**
   * After events of the dashboard may have been lost on their way here: sends each of its
   * views one event per thing that may have changed (as a reconnect this hub cannot place
   * gets), so that they refetch what they show, and makes every earlier event id one that a
   * reconnect cannot resume from. If the refresh cannot be read, the views are ended instead
   * (retryable): their clients reconnect, and their reconnects get the refresh.
   */
  private async refreshChannel(dashboardId: string, channel: Channel): Promise<void> {
    const seq = ++this.seq;
    channel.recent = [];
    channel.completeAfter = seq;
    channel.shareFloor = seq;
    if (channel.views.size === 0) return;
    const id = `${this.epoch}:${seq}`;
    const wantsDashboard = [...channel.views].some((view) => view.bucketId === undefined);
    let messages: LiveMessage[];
    try {
      messages = wantsDashboard
        ? await this.refresh(dashboardId, id)
        : [...new Set([...channel.views].map((view) => view.bucketId!))].map((bucketId) => ({
            id,
            event: { type: 'records', bucketId, at: this.deps.now() },
          }));
    } catch (error) {
      this.deps.logger('warn', 'live views could not be refreshed; ending them', {
        error: error instanceof Error ? error.message : String(error),
      });
      for (const view of [...channel.views]) view.end(storeBusy());
      return;
    }
    for (const view of [...channel.views]) {
      for (const message of messages) if (view.wants(message.event)) view.deliver(message);
    }
  }

  /** One event per thing a dashboard view shows: its bucket list, each bucket's records, the layout. */
  private async refresh(dashboardId: string, id: string): Promise<LiveMessage[]> {
    const at = this.deps.now();
    const [buckets, layout] = await Promise.all([
      this.deps.store.listBuckets(dashboardId),
      this.deps.store.getLayout(dashboardId),
    ]);
    const messages: LiveMessage[] = [{ id, event: { type: 'buckets', at } }];
    for (const bucket of buckets) {
      messages.push({ id, event: { type: 'records', bucketId: bucket.id, at } });
    }
    if (layout) messages.push({ id, event: { type: 'layout', version: layout.version, at } });
    return messages;
  }

  private closeChannel(dashboardId: string): void {
    const channel = this.channels.get(dashboardId);
    if (!channel || channel.views.size > 0) return;
    clearTimeout(channel.linger);
    channel.batcher.close();
    channel.shareCoalescer.close();
    channel.subscription.abort();
    this.channels.delete(dashboardId);
  }

  /**
   * Sends the changes to the dashboard's views as one event (a lone change as itself): its
   * members' dashboard views get the event, a bucket's views that bucket's change alone, and
   * each change goes on to the share-link views' own pace. Each object handed to several
   * views is the same one, so its frame is built once (http/live-stream.ts).
   */
  private fanOut(channel: Channel, changes: LiveChange[]): void {
    const seq = ++this.seq;
    const id = `${this.epoch}:${seq}`;
    const event: LiveEvent =
      changes.length === 1 ? changes[0]! : { type: 'changes', changes, at: this.deps.now() };
    const message: Sequenced = { seq, id, event };
    channel.recent.push(message);
    if (channel.recent.length > this.limits.replay) {
      channel.completeAfter = channel.recent.shift()!.seq;
    }
    const alone = new Map<LiveChange, LiveMessage>();
    for (const view of channel.views) {
      if (channel.shareViews.has(view)) continue;
      if (view.bucketId === undefined) {
        view.deliver(message);
        continue;
      }
      for (const change of changes) {
        if (!view.wants(change)) continue;
        let single = alone.get(change);
        if (!single) {
          single = { id, event: change };
          alone.set(change, single);
        }
        view.deliver(single);
      }
    }
    if (channel.shareViews.size > 0) {
      for (const change of changes) {
        channel.shareCoalescer.push(eventKey(change), { seq, id, event: change });
      }
    }
  }

  /**
   * What a view sends first. A new client: nothing (it has just loaded what it shows). A
   * client reconnecting from a position this hub still covers: the events it missed. Any
   * other reconnect (another process's id, events since evicted): one event per thing that
   * may have changed (the bucket list, each bucket's records, the layout's version), so that
   * the client refetches what it shows.
   */
  private resume(
    channel: Channel,
    channelExisted: boolean,
    request: OpenViewRequest,
  ): () => Promise<LiveMessage[]> {
    const { lastEventId, dashboardId, bucketId, owner } = request;
    if (!lastEventId) return async () => [];
    const [epoch, position] = lastEventId.split(':');
    const seq = Number(position);
    // Members' dashboard views get the events as sent; the others each change alone.
    const replayed = (message: Sequenced): LiveMessage[] =>
      bucketId === undefined && !owner.shareLink
        ? [{ id: message.id, event: message.event }]
        : changesOf(message.event)
            .filter(
              (change) =>
                bucketId === undefined ||
                (change.type === 'records' && change.bucketId === bucketId),
            )
            .map((change) => ({ id: message.id, event: change }));
    if (
      channelExisted &&
      epoch === this.epoch &&
      Number.isSafeInteger(seq) &&
      seq >= channel.completeAfter &&
      seq <= this.seq
    ) {
      const missed = channel.recent.filter((message) => message.seq > seq).flatMap(replayed);
      return async () => missed;
    }
    const id = `${this.epoch}:${this.seq}`;
    if (bucketId !== undefined) {
      const at = this.deps.now();
      return async () => [{ id, event: { type: 'records', bucketId, at } }];
    }
    return () => this.refresh(dashboardId, id);
  }
}

function sessionEnded(): AppError {
  return new AppError('unauthenticated', 'Your session ended; sign in again.');
}

function dashboardGone(): AppError {
  return new AppError('not_found', 'No such dashboard.');
}

function storeBusy(): AppError {
  return new AppError(
    'service_unavailable',
    'Live updates were interrupted; reconnect in a moment.',
    {
      retryAfterSeconds: 1,
    },
  );
}

function bucketGone(): AppError {
  return new AppError('not_found', 'No such bucket in this dashboard (check the bucket id).');
}

function shareLinkGone(): AppError {
  return new AppError(
    'share_link_not_found',
    'This share link was revoked, replaced or has expired. Ask whoever shared it for a new one.',
  );
}
