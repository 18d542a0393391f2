import type { Activity } from './activity.ts';

/**
 * Public share links of dashboards (docs/sharing.md, "Public links"): anyone holding the token
 * reads the dashboard's saved grid, read-only. The token itself is never stored, only its hex
 * SHA-256. All times are unix milliseconds.
 */
export interface ShareLink {
  id: string;
  dashboardId: string;
  name: string;
  tokenHash: string;
  /** Null: never expires. */
  expiresAt: number | null;
  /** Viewers may pick any range; else the dashboard's default range holds on every read. */
  allowRangeChange: boolean;
  /** Origins (`https://host[:port]`) whose pages may frame the link; empty: none. */
  frameOrigins: string[];
  /** The user who created it; null when that account is gone. */
  createdBy: string | null;
  createdAt: number;
  lastViewedAt: number | null;
  views: number;
}

export interface ShareLinkWithCreator extends ShareLink {
  /** The creator's name; empty when that account is gone. */
  createdByName: string;
}

export type NewShareLink = Omit<ShareLink, 'id' | 'lastViewedAt' | 'views'>;

/** Views counted since the last flush, per link. */
export interface ShareLinkViews {
  views: number;
  lastViewedAt: number;
}

export interface ShareLinkStore {
  /**
   * Stores a link; MissingEntity when the dashboard or the creator does not exist. The
   * activity entry (if any) gets the new link's id as its target id.
   */
  createShareLink(input: NewShareLink, activity?: Activity): Promise<ShareLink>;
  /** The dashboard's links (expired ones included: the list says so), newest first. */
  listShareLinks(dashboardId: string): Promise<ShareLinkWithCreator[]>;
  getShareLink(id: string): Promise<ShareLink | null>;
  /** The link holding this token hash, expired or not (the caller says which). */
  getShareLinkByTokenHash(tokenHash: string): Promise<ShareLink | null>;
  /** Replaces the token of the dashboard's link; null when it has no link with this id. */
  regenerateShareLink(
    dashboardId: string,
    id: string,
    tokenHash: string,
    activity?: Activity,
  ): Promise<ShareLink | null>;
  /** Removes the dashboard's link for good; null when it has no link with this id. */
  revokeShareLink(dashboardId: string, id: string, activity?: Activity): Promise<ShareLink | null>;
  /** Adds views and moves last-viewed times forward, in one batch (the server coalesces). */
  recordShareLinkViews(views: Map<string, ShareLinkViews>): Promise<void>;
}
