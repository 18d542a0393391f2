import { type MarkdownToJSX, parser, RuleType } from 'markdown-to-jsx';
import { Fragment, type ReactNode } from 'react';
import styles from './Markdown.module.css';

type Node = MarkdownToJSX.ASTNode;

/** Inline tags a note may use; any other formatting keeps its text and loses its tag. */
const FORMATTED = new Set(['strong', 'em', 'del', 'mark', 'sub', 'sup']);
const LINK_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

/**
 * A link target a note may use: web and mail addresses and paths of this site. Everything
 * else (`javascript:`, `data:`, `vbscript:` …) is dropped and the link becomes plain text.
 */
export function safeHref(target: string | null): string | null {
  if (!target) return null;
  try {
    const url = new URL(target, 'https://bucketgrid.invalid/');
    return LINK_PROTOCOLS.has(url.protocol) ? target : null;
  } catch {
    return null;
  }
}

function cellClass(align: 'left' | 'right' | 'center' | null | undefined): string {
  if (align === 'right') return `${styles.cell} ${styles.right}`;
  if (align === 'center') return `${styles.cell} ${styles.center}`;
  return styles.cell ?? '';
}

function children(nodes: readonly Node[]): ReactNode[] {
  return nodes.map((node, i) => <Fragment key={i}>{render(node)}</Fragment>);
}

function render(node: Node): ReactNode {
  switch (node.type) {
    case RuleType.text:
      return node.text;
    case RuleType.textFormatted: {
      const inner = children(node.children);
      if (!FORMATTED.has(node.tag)) return inner;
      const Tag = node.tag as 'strong';
      return <Tag>{inner}</Tag>;
    }
    case RuleType.paragraph:
      return <p>{children(node.children)}</p>;
    case RuleType.heading: {
      const Tag = `h${Math.min(6, node.level + 2)}` as 'h3';
      return <Tag>{children(node.children)}</Tag>;
    }
    case RuleType.blockQuote:
      return <blockquote>{children(node.children)}</blockquote>;
    case RuleType.unorderedList:
      return (
        <ul>
          {node.items.map((item, i) => (
            <li key={i}>{children(item)}</li>
          ))}
        </ul>
      );
    case RuleType.orderedList:
      return (
        <ol start={node.start}>
          {node.items.map((item, i) => (
            <li key={i}>{children(item)}</li>
          ))}
        </ol>
      );
    case RuleType.gfmTask:
      return <input type="checkbox" checked={node.completed} readOnly disabled />;
    case RuleType.codeBlock:
      return (
        <pre>
          <code>{node.text}</code>
        </pre>
      );
    case RuleType.codeInline:
      return <code>{node.text}</code>;
    case RuleType.breakLine:
      return <br />;
    case RuleType.breakThematic:
      return <hr />;
    case RuleType.link: {
      const href = safeHref(node.target);
      const inner = children(node.children);
      if (!href) return inner;
      return (
        <a href={href} title={node.title} target="_blank" rel="noopener noreferrer nofollow">
          {inner}
        </a>
      );
    }
    case RuleType.image:
      // No images: a note on a wall screen must not load from other sites.
      return node.alt ? <span className="muted">[{node.alt}]</span> : null;
    case RuleType.table:
      return (
        <table>
          <thead>
            <tr>
              {node.header.map((cell, i) => (
                <th key={i} className={cellClass(node.align[i])}>
                  {children(cell)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {node.cells.map((row, r) => (
              <tr key={r}>
                {row.map((cell, i) => (
                  <td key={i} className={cellClass(node.align[i])}>
                    {children(cell)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      );
    default:
      // Raw HTML, comments, footnotes, references, front matter: nothing of them is shown.
      return null;
  }
}

/**
 * Lists and quotes nest at most this deep on one line. A note of 4,000 characters of `1. ` is
 * 1,333 lists in one another: markdown-to-jsx took 3–4 s for 50 such notes (a DOM 1,000
 * deep). Eight is deeper than any outline a person writes.
 */
export const MAX_NESTING = 8;

/** One list item or quote marker at the start of what is left of a line, with its spacing. */
const CONTAINER = /^[ \t]{0,3}(?:>[ \t]?|(?:[-+*]|\d{1,9}[.)])(?:[ \t]+|$))/;

/**
 * The source with every marker past MAX_NESTING on a line escaped, so that it stays text:
 * linear in the length of the note, before the parser sees it.
 */
export function boundNesting(source: string): string {
  return source
    .split('\n')
    .map((line) => {
      let at = 0;
      for (let depth = 0; ; depth++) {
        const marker = CONTAINER.exec(line.slice(at));
        if (!marker) return line;
        if (depth === MAX_NESTING) {
          const escaped = marker[0].replace(/[>+*\-.)]/, (sign) => `\\${sign}`);
          return line.slice(0, at) + escaped + line.slice(at + marker[0].length);
        }
        at += marker[0].length;
      }
    })
    .join('\n');
}

/**
 * Markdown rendered as React elements only: raw HTML is never parsed into elements, nothing
 * is set as inner HTML, links are limited to safe protocols and open in a new tab; lists and
 * quotes nest at most MAX_NESTING deep.
 */
export function renderMarkdown(source: string): ReactNode {
  const nodes = parser(boundNesting(source), {
    disableParsingRawHTML: true,
    disableFrontmatter: true,
  });
  return children(nodes);
}

export function Markdown({ source }: { source: string }) {
  return <div className={styles.markdown}>{renderMarkdown(source)}</div>;
}
