import { z } from 'zod';

/**
 * Public share links (docs/sharing.md, "Public links"): what an owner or admin sets on one.
 * The limits are named in docs/architecture.md, "Limits and abuse".
 */
export const MAX_SHARE_LINK_NAME = 100;
/** Origins one link may be framed by. */
export const MAX_FRAME_ORIGINS = 10;
/** Links one dashboard may have: each is a public entry to its reads. */
export const MAX_SHARE_LINKS_PER_DASHBOARD = 50;

/**
 * An origin as a browser sends it and `frame-ancestors` takes it: `https://host[:port]`
 * (or `http://`), nothing after. Anything else could widen or break the page's policy.
 */
export const frameOriginSchema = z
  .string()
  .trim()
  .max(200)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value;
    } catch {
      return false;
    }
  }, 'an origin like https://intranet.example.com (scheme, host and port only, no path)');

export const shareLinkSettingsSchema = z.object({
  name: z.string().trim().min(1).max(MAX_SHARE_LINK_NAME),
  /** Unix ms; null: never expires. */
  expiresAt: z.number().int().positive().nullable().default(null),
  /** Viewers may pick another time range; else the dashboard's default range holds. */
  allowRangeChange: z.boolean().default(false),
  frameOrigins: z.array(frameOriginSchema).max(MAX_FRAME_ORIGINS).default([]),
});
export type ShareLinkSettings = z.output<typeof shareLinkSettingsSchema>;

/** A share link's token as it appears in `/s/<token>`: 32 base62 characters. */
export const shareTokenSchema = z.string().regex(/^[0-9A-Za-z]{32}$/, 'not a share link token');
