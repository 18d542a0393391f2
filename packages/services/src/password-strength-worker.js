// Rates passwords with zxcvbn-ts off the main thread: its dictionaries take a few MB and
// ~0.3 s to load, and one estimate can take from 0.1 s to many seconds of CPU (look-alike
// substitutions explode combinatorially), which must never stall the server's event loop.
// Plain JavaScript so that Node runs it as it is, whatever loader the parent uses.
import { parentPort } from 'node:worker_threads';
import { zxcvbn, zxcvbnOptions } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
// The English feedback only: the English word lists (2.3 MB) add little to the common
// password list and triple the start-up time.
import translations from '@zxcvbn-ts/language-en/dist/translations.js';

zxcvbnOptions.setOptions({
  dictionary: common.dictionary,
  graphs: common.adjacencyGraphs,
  translations,
  // A password whose first 64 characters are hard to guess is hard to guess; rating more
  // only costs time. 100 substitutions is the library's documented bound.
  maxLength: 64,
  l33tMaxSubstitutions: 100,
});

parentPort.on('message', ({ password, userInputs }) => {
  const { score, feedback } = zxcvbn(password, userInputs);
  parentPort.postMessage({ score, feedback });
});
parentPort.postMessage('ready');
