import type { LiveMessage, MemberOwner } from '@bucketgrid/live';
import { AppError } from '@bucketgrid/shared';
import { tracked } from '@trpc/server';
import { z } from 'zod';
import { toTRPCError } from './trpc.ts';

/** What a live subscription takes besides its scope: tRPC's client adds `lastEventId` on reconnect. */
export const liveInput = z.object({ lastEventId: z.string().max(64).nullish() });

export function viewOwner(ctx: {
  sessionId: string;
  user: { id: string };
  clientAddress: string;
}): MemberOwner {
  return { sessionId: ctx.sessionId, userId: ctx.user.id, address: ctx.clientAddress };
}

/**
 * A view's events as tracked SSE events (their ids let a reconnecting client resume). An
 * error that ends a running stream does not pass through procedure middleware, so it is
 * made a tRPC error with our code here.
 */
export async function* trackedEvents<Event = LiveMessage['event']>(
  view: AsyncIterable<{ id: string; event: Event }>,
) {
  try {
    for await (const { id, event } of view) yield tracked(id, event);
  } catch (error) {
    throw error instanceof AppError ? toTRPCError(error) : error;
  }
}
