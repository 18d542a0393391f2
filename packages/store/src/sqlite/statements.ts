import type Database from 'better-sqlite3';

/**
 * Prepares each SQL text once per connection and hands the statement out again, in its
 * default mode every time: `pluck()` and `raw()` change a statement for good, so a statement
 * one caller plucked would answer the next caller of the same text in that mode (a downsampled
 * read after a series summary found no bucket and answered nothing).
 */
export function statementCache(db: Database.Database): (text: string) => Database.Statement {
  const statements = new Map<string, Database.Statement>();
  return (text) => {
    let statement = statements.get(text);
    if (!statement) {
      statement = db.prepare(text);
      statements.set(text, statement);
    } else if (statement.reader) {
      statement.pluck(false).raw(false).expand(false);
    }
    return statement;
  };
}
