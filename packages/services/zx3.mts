import { zxcvbn, zxcvbnOptions } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as en from '@zxcvbn-ts/language-en';

const [max, subs] = process.argv.slice(2).map(Number);
zxcvbnOptions.setOptions({
  dictionary: { ...common.dictionary, ...en.dictionary },
  graphs: common.adjacencyGraphs,
  translations: en.translations,
  maxLength: max,
  l33tMaxSubstitutions: subs,
});
let worst = 0;
for (const p of [
  'aB3$'.repeat(64),
  '4@3$1!0|'.repeat(32),
  '@4@4'.repeat(64),
  'a3$1'.repeat(64),
  'qwertyuiop1234567890'.repeat(12),
  'p@$$w0rd'.repeat(32),
  '!'.repeat(256),
  '4@8({[</369&#!1/|0$5+7%2/'.repeat(10),
  Array.from({ length: 256 }, (_, i) => String.fromCharCode(33 + ((i * 7) % 90))).join(''),
]) {
  const t = performance.now();
  const r = zxcvbn(p, ['x@y.com']);
  const d = performance.now() - t;
  worst = Math.max(worst, d);
  console.log(p.slice(0, 12), r.score, d.toFixed(1));
}
for (const p of [
  'P@ssw0rd123!',
  'p@ssword123',
  'l3tm31n12345',
  'password123',
  'correct horse battery',
])
  console.log(p, zxcvbn(p).score, zxcvbn(p).feedback.warning);
console.log('worst', max, subs, worst);
