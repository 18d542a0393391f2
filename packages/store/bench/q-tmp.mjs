import Database from 'better-sqlite3';

const db = new Database('/tmp/s15/bench.db', { readonly: true });
const t = (label, f, n = 20) => {
  f();
  const a = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    f();
    a.push(performance.now() - t0);
  }
  a.sort((x, y) => x - y);
  console.log(label, a[n >> 1].toFixed(2), 'ms');
};
console.log(
  db
    .prepare(
      'select count(*), sum(raw), avg(length(data)), avg(length(keys)), avg(length(figures)) from series_chunks',
    )
    .get(),
);
console.log(db.prepare('select count(*) from aggregate_dirty').get());
const meta = db.prepare(
  'SELECT id, first_key AS first, last_key AS last, count, raw, skip FROM series_chunks WHERE bucket = 1 ORDER BY first_key',
);
const withFig = db.prepare(
  'SELECT id, first_key AS first, last_key AS last, count, raw, skip, figures FROM series_chunks WHERE bucket = 1 ORDER BY first_key',
);
const figOnly = db.prepare('SELECT figures FROM series_chunks WHERE id = ?');
t('meta', () => meta.all());
t('with figures', () => withFig.all());
const dirty = db
  .prepare(
    'SELECT cell FROM aggregate_dirty WHERE bucket = 1 AND cell >= ? AND cell <= ? AND tier <= 0',
  )
  .pluck();
t('dirty all', () => dirty.all(0, 1e15));
const next = db
  .prepare(
    'SELECT cell FROM aggregate_dirty WHERE bucket = 1 AND cell >= ? AND cell <= ? AND tier <= 0 ORDER BY cell LIMIT 1',
  )
  .pluck();
t('dirty skip 556', () => {
  let c = 1704067200000;
  for (let i = 0; i < 556; i++) {
    next.get(c, c + 1799999);
    c += 1800000;
  }
});
console.log(
  db
    .prepare(
      'EXPLAIN QUERY PLAN SELECT cell FROM aggregate_dirty WHERE bucket = 1 AND cell >= ? AND cell <= ? AND tier <= 0 ORDER BY cell LIMIT 1',
    )
    .all(1, 2),
);
const db2 = new Database('/tmp/s15/bench.db', { readonly: true });
db2.pragma('mmap_size = 268435456');
const wf2 = db2.prepare('SELECT id, first_key AS first, last_key AS last, count, raw, skip, figures FROM series_chunks WHERE bucket = 1 ORDER BY first_key');
t('with figures, mmap', () => wf2.all());
