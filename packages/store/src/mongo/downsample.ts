import { chooseInterval, type RecordKey } from '@bucketgrid/shared';
import type { mongo, PipelineStage } from 'mongoose';
import {
  downsampledFromIntervals,
  downsampledFromRecords,
  type IntervalCount,
  type IntervalStats,
} from '../downsample.ts';
import type { Store } from '../store.ts';
import type { Db } from './connection.ts';
import type { RecordDoc } from './models.ts';
import { toDataRecord } from './records.ts';

type DownsampleMethods = Pick<Store, 'downsampleRecords'>;

export function downsampleMethods({ models }: Db): DownsampleMethods {
  const { records } = models;
  return {
    async downsampleRecords(bucket, query) {
      const k: mongo.FilterOperators<RecordKey> = {};
      if (query.from !== undefined) k.$gte = query.from;
      if (query.to !== undefined) k.$lte = query.to;
      const filter = Object.keys(k).length > 0 ? { b: bucket.id, k } : { b: bucket.id };
      // One more than `points` tells whether the range is small enough to answer raw.
      const docs = await records
        .find(filter, { _id: 0, k: 1, v: 1 })
        .sort({ k: 1 })
        .limit(query.points + 1)
        .lean<Pick<RecordDoc, 'k' | 'v'>[]>();
      if (docs.length <= query.points || bucket.type === 'KV') {
        const raw = docs.slice(0, query.points).map(toDataRecord);
        return downsampledFromRecords(raw, docs.length > query.points, query.series);
      }

      const from = (query.from ?? docs[0]!.k) as number;
      let to = query.to as number | undefined;
      if (to === undefined) {
        const [last] = await records
          .find(filter, { _id: 0, k: 1 })
          .sort({ k: -1 })
          .limit(1)
          .lean<Pick<RecordDoc, 'k'>[]>();
        to = last!.k as number;
      }
      const w = chooseInterval(bucket.type, to - from, query.points);
      const match: PipelineStage.Match = { $match: { b: bucket.id, k: { $gte: from, $lte: to } } };
      // floor(k / w) * w, also for negative keys ($mod keeps the dividend's sign).
      const start = { $subtract: ['$k', { $mod: [{ $add: [{ $mod: ['$k', w] }, w] }, w] }] };
      const counts = await records.aggregate<{ _id: number; count: number }>([
        match,
        { $group: { _id: start, count: { $sum: 1 } } },
      ]);
      const seriesMatch: Record<string, unknown> = { 'v.v': { $ne: null } };
      if (query.series) seriesMatch['v.k'] = { $in: query.series.map(String) };
      const stats = await records
        .aggregate<{
          _id: { start: number; sk: string };
          min: number;
          max: number;
          avg: number;
          last: number;
        }>([
          match,
          // In key order, so $last in the group below is the latest record's value.
          { $sort: { k: 1 } },
          { $project: { _id: 0, start, v: { $objectToArray: '$v' } } },
          { $unwind: '$v' },
          { $match: seriesMatch },
          {
            $group: {
              _id: { start: '$start', sk: '$v.k' },
              min: { $min: '$v.v' },
              max: { $max: '$v.v' },
              avg: { $avg: '$v.v' },
              last: { $last: '$v.v' },
            },
          },
        ])
        .allowDiskUse(true);
      return downsampledFromIntervals(
        w,
        counts.map((row): IntervalCount => ({ start: row._id, count: row.count })),
        stats.map(
          (row): IntervalStats => ({
            start: row._id.start,
            sk: Number(row._id.sk),
            min: row.min,
            max: row.max,
            avg: row.avg,
            last: row.last,
          }),
        ),
      );
    },
  };
}
