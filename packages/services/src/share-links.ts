import {
  AppError,
  MAX_SHARE_LINKS_PER_DASHBOARD,
  type ShareLinkSettings,
  shareLinkSettingsSchema,
} from '@bucketgrid/shared';
import {
  MissingEntity,
  type ShareLink,
  type ShareLinkWithCreator,
  type Store,
} from '@bucketgrid/store';
import { type ChangeAuthor, noteOf } from './activity.ts';
import { withinQuota } from './quotas.ts';
import { newLinkToken } from './tokens.ts';
import { validate } from './validate.ts';

/**
 * Managing a dashboard's public share links (docs/sharing.md, "Public links"): owners and
 * admins create, list, regenerate and revoke them. A token is shown once, in the link this
 * returns; the store keeps only its hash.
 */

export interface ShareLinkDeps {
  store: Store;
  /** Where the app is served (PUBLIC_URL): links never come from a request's Host. */
  publicUrl: string;
  now: () => number;
}

/** A link as members see it: never its token or hash. */
export interface ShareLinkView {
  id: string;
  name: string;
  expiresAt: number | null;
  allowRangeChange: boolean;
  frameOrigins: string[];
  createdByName: string;
  createdAt: number;
  lastViewedAt: number | null;
  views: number;
}

/** A link with its token, shown once. */
export interface IssuedShareLink {
  link: ShareLinkView;
  url: string;
}

export function shareLinkUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/s/${token}`;
}

function toView(link: ShareLink, createdByName: string): ShareLinkView {
  const { id, name, expiresAt, allowRangeChange, frameOrigins, createdAt } = link;
  const { lastViewedAt, views } = link;
  return {
    id,
    name,
    expiresAt,
    allowRangeChange,
    frameOrigins,
    createdByName,
    createdAt,
    lastViewedAt,
    views,
  };
}

const target = (link: Pick<ShareLink, 'id' | 'name'>) => ({
  type: 'share_link',
  id: link.id,
  label: link.name,
});

const NO_SUCH_LINK = 'No such share link on this dashboard.';

export async function createShareLink(
  deps: ShareLinkDeps,
  dashboardId: string,
  creator: { id: string; name: string },
  input: ShareLinkSettings,
  by?: ChangeAuthor,
): Promise<IssuedShareLink> {
  const settings = validate(shareLinkSettingsSchema, input, 'share link');
  const now = deps.now();
  if (settings.expiresAt !== null && settings.expiresAt <= now) {
    throw new AppError('invalid_input', 'The expiry must be in the future (or none).');
  }
  const { token, hash } = newLinkToken();
  const frameOrigins = [...new Set(settings.frameOrigins)];
  const note = noteOf(by, dashboardId, 'share_link.created', target({ id: '', ...settings }), {
    after: {
      expiresAt: settings.expiresAt,
      allowRangeChange: settings.allowRangeChange,
      frameOrigins,
    },
  });
  const link = await withinQuota(
    `share-links:${dashboardId}`,
    MAX_SHARE_LINKS_PER_DASHBOARD,
    async () => (await deps.store.listShareLinks(dashboardId)).length,
    `This dashboard has ${MAX_SHARE_LINKS_PER_DASHBOARD} share links, the most it may: revoke one it no longer needs first.`,
    async () => {
      try {
        return await deps.store.createShareLink(
          {
            dashboardId,
            ...settings,
            frameOrigins,
            tokenHash: hash,
            createdBy: creator.id,
            createdAt: now,
          },
          note,
        );
      } catch (error) {
        if (error instanceof MissingEntity) throw new AppError('not_found', 'No such dashboard.');
        throw error;
      }
    },
  );
  return { link: toView(link, creator.name), url: shareLinkUrl(deps.publicUrl, token) };
}

/** Newest first, expired ones included (the list says so by their expiry). */
export async function listShareLinks(store: Store, dashboardId: string): Promise<ShareLinkView[]> {
  return (await store.listShareLinks(dashboardId)).map((link: ShareLinkWithCreator) =>
    toView(link, link.createdByName),
  );
}

async function linkOf(
  store: Store,
  dashboardId: string,
  id: string,
): Promise<ShareLinkWithCreator> {
  const link = (await store.listShareLinks(dashboardId)).find((each) => each.id === id);
  if (!link) throw new AppError('not_found', NO_SUCH_LINK);
  return link;
}

/** A new token: the old link stops working at once (the caller ends its open views). */
export async function regenerateShareLink(
  deps: ShareLinkDeps,
  dashboardId: string,
  id: string,
  by?: ChangeAuthor,
): Promise<IssuedShareLink> {
  const current = await linkOf(deps.store, dashboardId, id);
  const { token, hash } = newLinkToken();
  const note = noteOf(by, dashboardId, 'share_link.regenerated', target(current));
  const link = await deps.store.regenerateShareLink(dashboardId, id, hash, note);
  if (!link) throw new AppError('not_found', NO_SUCH_LINK);
  return { link: toView(link, current.createdByName), url: shareLinkUrl(deps.publicUrl, token) };
}

/** Removes the link for good (the caller ends its open views). */
export async function revokeShareLink(
  store: Store,
  dashboardId: string,
  id: string,
  by?: ChangeAuthor,
): Promise<void> {
  const current = await linkOf(store, dashboardId, id);
  const note = noteOf(by, dashboardId, 'share_link.revoked', target(current));
  if (!(await store.revokeShareLink(dashboardId, id, note))) {
    throw new AppError('not_found', NO_SUCH_LINK);
  }
}
