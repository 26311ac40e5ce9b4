import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allowedCallbackUrl, loggableUrl } from '../../src/callbacks/index.js';
import { BadRequestError } from '../../src/errors.js';

const PREFIXES = ['https://hooks.example.com/qlik/', 'http://127.0.0.1:9000/'];

test('URLs under an allowed prefix pass, normalised', () => {
  assert.equal(allowedCallbackUrl('https://hooks.example.com/qlik/done?run=1', PREFIXES), 'https://hooks.example.com/qlik/done?run=1');
  assert.equal(allowedCallbackUrl('HTTPS://HOOKS.example.com:443/qlik/x', PREFIXES), 'https://hooks.example.com/qlik/x');
  assert.equal(allowedCallbackUrl('http://127.0.0.1:9000/', PREFIXES), 'http://127.0.0.1:9000/');
  // A backslash is a slash to the URL parser fetch uses too: this goes to 127.0.0.1:9000.
  assert.equal(allowedCallbackUrl('http://127.0.0.1:9000\\@attacker.example/', PREFIXES), 'http://127.0.0.1:9000/@attacker.example/');
});

test('anything else is a 400, whatever trick it uses', () => {
  const refused = [
    'https://hooks.example.com/qlikother',
    'https://hooks.example.com/qlik/../admin',
    'https://hooks.example.com.attacker.example/qlik/',
    'https://hooks.example.com@attacker.example/qlik/',
    'https://user:pw@hooks.example.com/qlik/',
    'http://hooks.example.com/qlik/',
    'http://127.0.0.1:9001/',
    'ftp://hooks.example.com/qlik/',
    'javascript:alert(1)',
    '/qlik/relative',
    '',
  ];
  for (const url of refused) assert.throws(() => allowedCallbackUrl(url, PREFIXES), BadRequestError, url);
});

test('refusals say what was sent without repeating credentials or the query', () => {
  const messages: Array<[string, string]> = [
    ['not a url', 'query.callbackUrl must be an absolute http:// or https:// URL (got text that is not a URL)'],
    ['ftp://hooks.example.com/qlik/', 'query.callbackUrl must be an absolute http:// or https:// URL (got a ftp: URL)'],
    [
      'https://user:pw@hooks.example.com/other?token=s3cret',
      'query.callbackUrl must start with one of Butler.startTaskCallback.allowedUrlPrefixes (got https://hooks.example.com/other)',
    ],
  ];
  for (const [url, message] of messages) assert.throws(() => allowedCallbackUrl(url, PREFIXES), { message });
});

test('with no prefixes configured, callbacks are off', () => {
  assert.throws(() => allowedCallbackUrl('https://hooks.example.com/qlik/', []), /callbacks are off/);
});

test('log lines show scheme, host and path, never the query', () => {
  assert.equal(loggableUrl('https://hooks.example.com/qlik/done?token=s3cret#x'), 'https://hooks.example.com/qlik/done');
});
