import { createElement, Fragment } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { MAX_NESTING, renderMarkdown, safeHref } from './Markdown.tsx';

const html = (source: string) =>
  renderToStaticMarkup(createElement(Fragment, null, renderMarkdown(source)));

describe('Markdown notes', () => {
  it('renders the usual formatting', () => {
    const out = html(
      '# Plant 1\n\n**Hot** and *dry*, see [docs](https://example.com/a).\n\n- one\n- two\n\n`x = 1`',
    );
    expect(out).toContain('<h3>Plant 1</h3>');
    expect(out).toContain('<strong>Hot</strong>');
    expect(out).toContain('<em>dry</em>');
    expect(out).toContain(
      '<a href="https://example.com/a" target="_blank" rel="noopener noreferrer nofollow">docs</a>',
    );
    expect(out).toContain('<li>one</li>');
    expect(out).toContain('<code>x = 1</code>');
  });

  it('lets no HTML through: tags become text, handlers never become attributes', () => {
    const out = html(
      '<img src=x onerror="alert(1)"> and <script>alert(2)</script>\n\n<div onclick="x()">hi</div>',
    );
    expect(out).not.toMatch(/<img|<script|<div/i);
    // No element carries an event handler; the words are only ever text.
    expect(out).not.toMatch(/<[^>]*\son\w+=/i);
    expect(out).toContain('&lt;img');
  });

  it('drops javascript: and data: links, keeping their text', () => {
    for (const target of [
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      ' javascript:alert(1)',
      'data:text/html,<b>x</b>',
      'vbscript:x',
    ]) {
      const out = html(`[click](${target})`);
      expect(out).not.toMatch(/href/);
      expect(out).toContain('click');
    }
    expect(html('<javascript:alert(1)>')).not.toMatch(/href/);
  });

  it('shows images as their alt text and loads nothing', () => {
    const out = html('![logo](https://tracker.example/pixel.png)');
    expect(out).not.toMatch(/<img/);
    expect(out).toContain('[logo]');
  });

  it('accepts only web, mail and same-site link targets', () => {
    expect(safeHref('https://example.com')).toBe('https://example.com');
    expect(safeHref('mailto:ops@example.com')).toBe('mailto:ops@example.com');
    expect(safeHref('/acme/plant')).toBe('/acme/plant');
    expect(safeHref('javascript:alert(1)')).toBeNull();
    expect(safeHref('java\tscript:alert(1)')).toBeNull();
    expect(safeHref(null)).toBeNull();
  });

  it('nests lists and quotes at most MAX_NESTING deep: the rest of the line stays text', () => {
    /** The deepest nesting of `tag` elements in `markup`. */
    const depthOf = (markup: string, tag: string) => {
      let depth = 0;
      let deepest = 0;
      for (const [, closing] of markup.matchAll(new RegExp(`<(/?)${tag}[ >]`, 'g'))) {
        depth += closing ? -1 : 1;
        deepest = Math.max(deepest, depth);
      }
      return deepest;
    };
    // A layout's worst: 50 text widgets, each a 4,000-character note of `1. ` (1,333 lists in
    // one another unbounded), rendered as the grid renders them.
    const note = '1. '.repeat(1_333);
    for (let widget = 0; widget < 50; widget++) {
      const out = html(note);
      expect(depthOf(out, 'ol')).toBe(MAX_NESTING);
      expect(out).toContain('1. 1. 1.');
    }
    expect(depthOf(html(`${'> '.repeat(1_333)}deep`), 'blockquote')).toBe(MAX_NESTING);
    expect(depthOf(html(`${'- '.repeat(1_333)}x`), 'ul')).toBe(MAX_NESTING);
    // An ordinary outline is untouched.
    const outline = html('1. one\n   - two\n     > three');
    expect(outline).toContain('<li>one<ul><li>two<blockquote>');
  });
});
