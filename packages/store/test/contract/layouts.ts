import { EMPTY_LAYOUT, type LayoutContent, layoutContentSchema } from '@bucketgrid/shared';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store.ts';
import type { ContractContext } from './context.ts';

/** One widget of each type, as the shared schema fills in its defaults. */
const content: LayoutContent = layoutContentSchema.parse({
  defaultRange: '7d',
  widgets: [
    {
      id: 'chart',
      type: 'timeChart',
      bucketId: 'b1',
      pos: { x: 0, y: 0, w: 8, h: 4 },
      series: [{ sk: 1 }, { sk: 2, axis: 'right' }],
      stacked: true,
    },
    { id: 'bars', type: 'barChart', bucketId: 'b2', pos: { x: 8, y: 0, w: 4, h: 4 }, series: [1] },
    {
      id: 'stat',
      type: 'stat',
      bucketId: 'b1',
      pos: { x: 0, y: 4, w: 3, h: 2 },
      sk: 1,
      thresholds: [{ value: 30, color: '#d94a38' }],
    },
    { id: 'table', type: 'table', bucketId: 'b3', pos: { x: 3, y: 4, w: 9, h: 4 } },
    { id: 'note', type: 'text', pos: { x: 0, y: 8, w: 12, h: 2 }, markdown: '# Hello *there*' },
  ],
});

export function layoutsContract(t: ContractContext): void {
  describe('layouts', () => {
    const { makeDashboard, makeUser } = t;
    let store: Store;
    beforeAll(() => {
      store = t.store;
    });

    it('starts empty at version 0, and keeps what is saved exactly', async () => {
      const { owner, dashboard } = await makeDashboard();
      expect(await store.getLayout(dashboard.id)).toEqual(EMPTY_LAYOUT);
      const saved = await store.saveLayout(dashboard.id, {
        expectedVersion: 0,
        content,
        updatedBy: owner.id,
        at: 1234,
      });
      const layout = { ...content, version: 1, updatedAt: 1234, updatedBy: owner.id };
      expect(saved).toEqual({ status: 'saved', layout });
      expect(await store.getLayout(dashboard.id)).toEqual(layout);
    });

    it('keeps the grid width a layout sets, and reads one saved before it existed as the default', async () => {
      const { owner, dashboard } = await makeDashboard();
      const wide = { ...content, maxWidth: 3_840 };
      await store.saveLayout(dashboard.id, {
        expectedVersion: 0,
        content: wide,
        updatedBy: owner.id,
        at: 1,
      });
      expect(await store.getLayout(dashboard.id)).toMatchObject({ maxWidth: 3_840 });
      const { maxWidth: _, ...older } = content;
      await store.saveLayout(dashboard.id, {
        expectedVersion: 1,
        content: older as LayoutContent,
        updatedBy: owner.id,
        at: 2,
      });
      expect(await store.getLayout(dashboard.id)).toMatchObject({ version: 2, maxWidth: null });
    });

    it('refuses a save from an older version and returns the current layout', async () => {
      const { owner, dashboard } = await makeDashboard();
      const other = await makeUser();
      const save = { content, updatedBy: owner.id, at: 1 };
      await store.saveLayout(dashboard.id, { ...save, expectedVersion: 0 });
      const second = { ...content, widgets: [] };
      await store.saveLayout(dashboard.id, {
        expectedVersion: 1,
        content: second,
        updatedBy: other.id,
        at: 2,
      });
      const stale = await store.saveLayout(dashboard.id, { ...save, expectedVersion: 1 });
      expect(stale).toEqual({
        status: 'conflict',
        current: { ...second, version: 2, updatedAt: 2, updatedBy: other.id },
      });
      const fromScratch = await store.saveLayout(dashboard.id, { ...save, expectedVersion: 0 });
      expect(fromScratch.status).toBe('conflict');
    });

    it('lets exactly one of two concurrent saves from one version win', async () => {
      const { owner, dashboard } = await makeDashboard();
      const save = { expectedVersion: 0, content, updatedBy: owner.id, at: 1 };
      const results = await Promise.all([
        store.saveLayout(dashboard.id, save),
        store.saveLayout(dashboard.id, save),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual(['conflict', 'saved']);
      expect((await store.getLayout(dashboard.id))?.version).toBe(1);
    });

    it('has no layout for an unknown or deleted dashboard', async () => {
      const { owner, dashboard } = await makeDashboard();
      const save = { expectedVersion: 0, content, updatedBy: owner.id, at: 1 };
      expect(await store.getLayout('missing')).toBeNull();
      expect(await store.saveLayout('missing', save)).toEqual({ status: 'not_found' });
      await store.saveLayout(dashboard.id, save);
      await store.deleteDashboard(dashboard.id);
      expect(await store.getLayout(dashboard.id)).toBeNull();
      expect(await store.saveLayout(dashboard.id, { ...save, expectedVersion: 1 })).toEqual({
        status: 'not_found',
      });
    });
  });
}
