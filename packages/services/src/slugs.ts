import { UniqueViolation } from '@bucketgrid/store';

/**
 * Tries `base`, then `base-2`, `base-3`… until `create` succeeds without a slug or workspace
 * collision, skipping `reserved` slugs. The unique index decides, so two concurrent callers
 * cannot both win one slug.
 */
export async function uniqueSlug<T>(
  base: string,
  create: (slug: string) => Promise<T>,
  reserved: ReadonlySet<string> = new Set(),
): Promise<T> {
  for (let attempt = 1; attempt <= 50; attempt++) {
    const suffix = attempt === 1 ? '' : `-${attempt}`;
    const slug = base.slice(0, 48 - suffix.length).replace(/-+$/, '') + suffix;
    if (reserved.has(slug)) continue;
    try {
      return await create(slug);
    } catch (error) {
      const collided =
        error instanceof UniqueViolation && (error.field === 'slug' || error.field === 'workspace');
      if (!collided) throw error;
    }
  }
  throw new Error(`no free slug near "${base}"`);
}
