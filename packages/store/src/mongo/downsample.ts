import { type RecordKey, SERIES_SCAN_ROWS } from '@bucketgrid/shared';
import type { mongo, PipelineStage } from 'mongoose';
import { columnsFromRecords } from '../downsample/columns.ts';
import { maintainProgram } from '../downsample/maintain.ts';
import {
  type AsyncOperations,
  type CellGroup,
  type DirtyCell,
  runAsync,
} from '../downsample/program.ts';
import { downsampleProgram } from '../downsample/read.ts';
import { SUM_SCALE } from '../downsample/sum.ts';
import type { AggregatedType } from '../downsample/tiers.ts';
import type { MaintainResult, Store } from '../store.ts';
import { expireActivity } from './activity.ts';
import { cellStartOf } from './cell-start.ts';
import type { Db } from './connection.ts';
import { expireLinkTokens } from './invitations.ts';
import type { AggregateDoc, BucketDoc, DirtyCellDoc, RecordDoc } from './models.ts';
import { toDataRecord } from './records.ts';
import type { MongoSweeper } from './sweeper.ts';
import type { AggregatesUpgrade } from './upgrade.ts';

type DownsampleMethods = Pick<
  Store,
  'downsampleRecords' | 'downsampleRecordsJson' | 'seriesSummary' | 'maintain'
>;

/**
 * A group as `$group` below produces it: `last` is the {key, value} with the greatest key;
 * `sum` the plain sum (not finite once it overflowed, or when a part was scaled), `scaledSum`
 * the sum scaled by SUM_SCALE (../downsample/sum.ts), which cannot overflow.
 */
interface GroupRow {
  _id: { i: number; s: number | string };
  n: number;
  sum: number;
  scaledSum: number;
  min: number;
  max: number;
  last: { at: number; v: number } | null;
}

function toGroup(row: GroupRow): CellGroup {
  const series = Number(row._id.s);
  if (series === 0) {
    return { start: row._id.i, series, n: row.n, sum: 0, scaled: false, min: 0, max: 0, last: 0 };
  }
  const scaled = !Number.isFinite(row.sum);
  return {
    start: row._id.i,
    series,
    n: row.n,
    sum: scaled ? row.scaledSum : row.sum,
    scaled,
    min: row.min,
    max: row.max,
    last: row.last!.v,
  };
}

/**
 * The primitive queries of the downsampling programs (../downsample/program.ts) on MongoDB,
 * where a bucket is named by its id (`String(bucket)`).
 * Every figure is computed by the server (`$group`); only groups (intervals × series) come
 * back. Upkeep reads outside transactions and writes each tier's recomputed cells in one
 * transaction that applies a cell only if its mark still has the version it read, so several
 * processes may run upkeep at once.
 */
function mongoOperations(
  { models, transaction, readTimeMs }: Db,
  upgrade: AggregatesUpgrade,
): AsyncOperations {
  const { records, aggregates, dirtyCells, buckets } = models;
  const aggregateCollection = aggregates.collection as unknown as mongo.Collection<AggregateDoc>;
  const dirtyCollection = dirtyCells.collection as unknown as mongo.Collection<DirtyCellDoc>;
  const keyRange = (from?: RecordKey, to?: RecordKey) => {
    const k: mongo.FilterOperators<RecordKey> = {};
    if (from !== undefined) k.$gte = from;
    if (to !== undefined) k.$lte = to;
    return k;
  };

  async function groupRaw({
    bucket,
    ranges,
    interval,
    series,
  }: Parameters<AsyncOperations['groupRaw']>[0]): Promise<CellGroup[]> {
    const inRanges = ranges.map(([from, to]) => ({ k: { $gte: from, $lte: to } }));
    const pipeline: PipelineStage[] = [
      {
        $match:
          inRanges.length === 1
            ? { b: String(bucket), ...inRanges[0] }
            : { b: String(bucket), $or: inRanges },
      },
      {
        $project: {
          _id: 0,
          k: 1,
          i: cellStartOf('$k', interval),
          // Each record counts once as series "0".
          e: {
            $concatArrays: [
              [{ k: { $literal: '0' }, v: { $literal: 1 } }],
              { $objectToArray: '$v' },
            ],
          },
        },
      },
      { $unwind: '$e' },
      {
        $match: series
          ? { 'e.v': { $ne: null }, 'e.k': { $in: ['0', ...series.map(String)] } }
          : { 'e.v': { $ne: null } },
      },
      {
        $group: {
          _id: { i: '$i', s: '$e.k' },
          n: { $sum: 1 },
          sum: { $sum: '$e.v' },
          scaledSum: { $sum: { $multiply: ['$e.v', SUM_SCALE] } },
          min: { $min: '$e.v' },
          max: { $max: '$e.v' },
          last: { $max: { at: '$k', v: '$e.v' } },
        },
      },
    ];
    const rows = await records
      .aggregate<GroupRow>(pipeline)
      .allowDiskUse(true)
      .option({ maxTimeMS: readTimeMs });
    return rows.map(toGroup);
  }

  return {
    async bounds({ bucket }) {
      const edge = (direction: 1 | -1) =>
        records
          .find({ b: String(bucket) }, { _id: 0, k: 1 })
          .sort({ k: direction })
          .limit(1)
          .maxTimeMS(readTimeMs)
          .lean<Pick<RecordDoc, 'k'>[]>();
      const [[first], [last]] = await Promise.all([edge(1), edge(-1)]);
      return first && last ? { first: first.k as number, last: last.k as number } : null;
    },

    async hasMoreThan({ bucket, from, to, count }) {
      const beyond = await records
        .find({ b: String(bucket), k: keyRange(from, to) }, { _id: 0, k: 1 })
        .sort({ k: 1 })
        .skip(count)
        .limit(1)
        .maxTimeMS(readTimeMs)
        .lean<Pick<RecordDoc, 'k'>[]>();
      return beyond.length > 0;
    },

    async seriesCount({ bucket }) {
      const [latest] = await aggregates
        .find({ b: String(bucket) }, { _id: 0, f: 1 })
        .sort({ t: -1, c: -1 })
        .limit(1)
        .maxTimeMS(readTimeMs)
        .lean<Pick<AggregateDoc, 'f'>[]>();
      return latest?.f.length ?? 0;
    },

    async countRecords({ bucket, ranges, limit }) {
      let total = 0;
      for (const [from, to] of ranges) {
        total += await records.countDocuments(
          { b: String(bucket), k: { $gte: from, $lte: to } },
          { limit: limit + 1 - total, maxTimeMS: readTimeMs },
        );
        if (total > limit) break;
      }
      return total;
    },

    async records({ bucket, from, to, limit }) {
      const k = keyRange(from, to);
      const docs = await records
        .find(Object.keys(k).length > 0 ? { b: String(bucket), k } : { b: String(bucket) }, {
          _id: 0,
          k: 1,
          v: 1,
        })
        .sort({ k: 1 })
        .limit(limit)
        .maxTimeMS(readTimeMs)
        .lean<Pick<RecordDoc, 'k' | 'v'>[]>();
      return docs.map(toDataRecord);
    },

    async dirtyIntervals({ bucket, maxTier, from, to, interval }) {
      // Grouped by the server: one start per interval, however many of its cells are marked.
      const rows = await dirtyCells
        .aggregate<{ _id: number }>([
          { $match: { b: String(bucket), c: { $gte: from, $lte: to }, t: { $lte: maxTier } } },
          { $group: { _id: cellStartOf('$c', interval) } },
        ])
        .option({ maxTimeMS: readTimeMs });
      return rows.map((row) => row._id);
    },

    async groupTier({ bucket, tier, from, to, interval, series }) {
      // Cells the aggregates upgrade has not marked yet would read as empty: the records
      // answer for every interval until it has.
      if (await upgrade.pending(String(bucket))) {
        return groupRaw({ bucket, ranges: [[from, to]], interval, series });
      }
      const pipeline: PipelineStage[] = [
        { $match: { b: String(bucket), t: tier, c: { $gte: from, $lte: to } } },
        {
          $project: {
            _id: 0,
            c: 1,
            i: cellStartOf('$c', interval),
            // The cell's record count rides along as series 0.
            f: { $concatArrays: [[{ s: { $literal: 0 }, n: '$n' }], '$f'] },
          },
        },
        { $unwind: '$f' },
      ];
      if (series) pipeline.push({ $match: { 'f.s': { $in: [0, ...series] } } });
      pipeline.push({
        $group: {
          _id: { i: '$i', s: '$f.s' },
          n: { $sum: '$f.n' },
          // A scaled cell's sum counts as not finite in the plain sum, and as it is in the
          // scaled one.
          sum: { $sum: { $cond: ['$f.scaled', Number.NaN, '$f.sum'] } },
          scaledSum: {
            $sum: { $cond: ['$f.scaled', '$f.sum', { $multiply: ['$f.sum', SUM_SCALE] }] },
          },
          min: { $min: '$f.min' },
          max: { $max: '$f.max' },
          // Documents compare field by field: the latest cell's last value.
          last: { $max: { at: '$c', v: '$f.last' } },
        },
      });
      const rows = await aggregates
        .aggregate<GroupRow>(pipeline)
        .allowDiskUse(true)
        .option({ maxTimeMS: readTimeMs });
      return rows.map(toGroup);
    },

    groupRaw,

    async takeDirty({ tier, limit, markedBefore }) {
      // Cells marked in the last seconds are still being written: left for a later step.
      const marks = await dirtyCells
        .find({ t: tier, at: { $lt: markedBefore } })
        .sort({ b: 1, c: 1 })
        .limit(limit)
        .lean<DirtyCellDoc[]>();
      const bucketIds = [...new Set(marks.map((mark) => mark.b))];
      const found = await buckets
        .find({ _id: { $in: bucketIds } }, { _id: 1, type: 1 })
        .lean<Pick<BucketDoc, '_id' | 'type'>[]>();
      const typeOf = new Map(found.map((bucket) => [bucket._id, bucket.type]));
      // Marks of a bucket deleted meanwhile (its figures go with it) are dropped here.
      const gone = bucketIds.filter((id) => !typeOf.has(id));
      if (gone.length > 0) await dirtyCells.deleteMany({ b: { $in: gone } });
      return marks
        .filter((mark) => typeOf.has(mark.b))
        .map(
          (mark): DirtyCell => ({
            bucket: mark.b,
            type: typeOf.get(mark.b) as AggregatedType,
            tier,
            cell: mark.c,
            version: mark.ver,
          }),
        );
    },

    writeCells({ tier, cells }) {
      return transaction(async (session) => {
        const current = await dirtyCollection
          .find(
            { $or: cells.map(({ mark }) => ({ b: String(mark.bucket), c: mark.cell, t: tier })) },
            { session, projection: { b: 1, c: 1, ver: 1 } },
          )
          .toArray();
        const versionOf = new Map(current.map((mark) => [`${mark.b}:${mark.c}`, mark.ver]));
        // Marked again while it was recomputed: it stays dirty for the next round.
        const applied = cells.filter(
          ({ mark }) => versionOf.get(`${mark.bucket}:${mark.cell}`) === mark.version,
        );
        if (applied.length === 0) return 0;
        await aggregateCollection.bulkWrite(
          applied.map(({ mark, groups }): mongo.AnyBulkWriteOperation<AggregateDoc> => {
            const filter = { b: String(mark.bucket), t: tier, c: mark.cell };
            const records = groups.find((group) => group.series === 0)?.n ?? 0;
            if (records === 0) return { deleteOne: { filter } };
            const f = groups
              .filter((group) => group.series !== 0)
              .map(({ series: s, n, sum, scaled, min, max, last }) => ({
                s,
                n,
                sum,
                ...(scaled && { scaled: true as const }),
                min,
                max,
                last,
              }));
            return {
              replaceOne: { filter, replacement: { ...filter, n: records, f }, upsert: true },
            };
          }),
          { session, ordered: false },
        );
        await dirtyCollection.bulkWrite(
          applied.flatMap(({ mark, parent }): mongo.AnyBulkWriteOperation<DirtyCellDoc>[] => {
            const b = String(mark.bucket);
            const unmark = {
              deleteOne: { filter: { b, c: mark.cell, t: tier, ver: mark.version } },
            };
            if (parent === undefined) return [unmark];
            const up = { b, c: parent, t: tier + 1 };
            const update = { $inc: { ver: 1 }, $setOnInsert: { at: 0 } };
            return [unmark, { updateOne: { filter: up, update, upsert: true } }];
          }),
          { session, ordered: false },
        );
        return applied.length;
      });
    },
  };
}

export function downsampleMethods(
  db: Db,
  trimRetentionBacklog: () => Promise<Omit<MaintainResult, 'swept'>>,
  sweeper: MongoSweeper,
  upgrade: AggregatesUpgrade,
): DownsampleMethods {
  const operations = mongoOperations(db, upgrade);
  const downsampleRecords: Store['downsampleRecords'] = async (bucket, query) => {
    // A deleted bucket's records may wait for the sweeper: they are no longer its to show.
    const [exists, downsampled] = await Promise.all([
      db.models.buckets.exists({ _id: bucket.id }).maxTimeMS(db.readTimeMs),
      runAsync(downsampleProgram(bucket.id, bucket.type, query), operations),
    ]);
    return exists ? downsampled : columnsFromRecords([], false);
  };
  return {
    downsampleRecords,

    // No thread to hand it from: the same answer, serialised here.
    async downsampleRecordsJson(bucket, query) {
      return Buffer.from(JSON.stringify(await downsampleRecords(bucket, query)));
    },

    /** As on SQLite (sqlite/reads.ts): the coarsest stored tier's latest cells, else records. */
    async seriesSummary(bucket) {
      const { aggregates, records } = db.models;
      const maxTimeMS = db.readTimeMs;
      const counts = new Map<number, number>();
      const [top] = await aggregates
        .find({ b: bucket.id }, { _id: 0, t: 1 })
        .sort({ t: -1 })
        .limit(1)
        .maxTimeMS(maxTimeMS)
        .lean<Pick<AggregateDoc, 't'>[]>();
      let rows: number;
      if (top === undefined) {
        const latest = await records
          .find({ b: bucket.id }, { _id: 0, v: 1 })
          .sort(bucket.type === 'KV' ? { s: -1 } : { k: -1 })
          .limit(SERIES_SCAN_ROWS)
          .maxTimeMS(maxTimeMS)
          .lean<Pick<RecordDoc, 'v'>[]>();
        for (const doc of latest) {
          for (const [sk, value] of Object.entries(toDataRecord({ k: 0, ...doc }).values)) {
            if (value !== null) counts.set(Number(sk), (counts.get(Number(sk)) ?? 0) + 1);
          }
        }
        rows = latest.length;
      } else {
        const cells = await aggregates
          .find({ b: bucket.id, t: top.t }, { _id: 0, f: 1 })
          .sort({ c: -1 })
          .limit(SERIES_SCAN_ROWS)
          .maxTimeMS(maxTimeMS)
          .lean<Pick<AggregateDoc, 'f'>[]>();
        for (const cell of cells) {
          for (const { s, n } of cell.f) counts.set(s, (counts.get(s) ?? 0) + n);
        }
        rows = cells.length;
      }
      return {
        series: [...counts].sort((a, b) => a[0] - b[0]).map(([sk, values]) => ({ sk, values })),
        partial: rows === SERIES_SCAN_ROWS,
      };
    },

    async maintain(now = Date.now()) {
      // A database from before the aggregates: one bounded batch of their upgrade per step.
      const upgrading = await upgrade.step();
      const sweep = await sweeper.step();
      const backlog = await trimRetentionBacklog();
      // By the real clock: `now` may run ahead to settle recent cells.
      const ageing = await expireActivity(db.models, Date.now());
      const tokens = await expireLinkTokens(db.models, Date.now());
      const { more } = await runAsync(maintainProgram(now), operations);
      return {
        more: upgrading || sweep.more || backlog.more || ageing || tokens || more,
        trimmed: backlog.trimmed,
        swept: sweep.swept,
      };
    },
  };
}
