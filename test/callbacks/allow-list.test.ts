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
      'query.callbackUrl must start with one of Butler.startTaskCallback.allowedUrlPrefixes, at a path segment boundary (got https://hooks.example.com/other)',
    ],
    [
      'https://hooks.example.com/qlik/..%2Fadmin?token=s3cret',
      'query.callbackUrl must not have an encoded slash or backslash (%2F, %5C) in its path (got https://hooks.example.com/qlik/..%2Fadmin)',
    ],
  ];
  for (const [url, message] of messages) assert.throws(() => allowedCallbackUrl(url, PREFIXES), { message });
});

test('a prefix without a trailing "/" matches whole path segments only', () => {
  const prefixes = ['https://hooks.example.com/qlik'];
  for (const url of [
    'https://hooks.example.com/qlik',
    'https://hooks.example.com/qlik/',
    'https://hooks.example.com/qlik/done/now',
    'https://hooks.example.com/qlik?run=1',
    'https://hooks.example.com/qlik#top',
    'HTTPS://Hooks.Example.COM/qlik/x',
  ]) {
    assert.equal(allowedCallbackUrl(url, prefixes), new URL(url).href, url);
  }
  for (const url of [
    'https://hooks.example.com/qlikevil',
    'https://hooks.example.com/qlikevil/',
    'https://hooks.example.com/qlik.evil',
    'https://hooks.example.com/qlik%3Fevil',
    'https://hooks.example.com/qlik-other?x=1',
    'https://hooks.example.com/',
  ]) {
    assert.throws(() => allowedCallbackUrl(url, prefixes), /at a path segment boundary/, url);
  }
});

test('a prefix ending with "/" or holding a query stays a plain prefix', () => {
  assert.equal(allowedCallbackUrl('https://h.example/hooks/abc', ['https://h.example/hooks/']), 'https://h.example/hooks/abc');
  assert.throws(() => allowedCallbackUrl('https://h.example/hooks', ['https://h.example/hooks/']), BadRequestError);
  const withQuery = ['https://h.example/hook?team=a'];
  assert.equal(allowedCallbackUrl('https://h.example/hook?team=a', withQuery), 'https://h.example/hook?team=a');
  assert.equal(allowedCallbackUrl('https://h.example/hook?team=a&run=1', withQuery), 'https://h.example/hook?team=a&run=1');
  assert.throws(() => allowedCallbackUrl('https://h.example/hook?team=b', withQuery), BadRequestError);
  assert.throws(() => allowedCallbackUrl('https://h.example/hookx?team=a', withQuery), BadRequestError);
});

test('an encoded slash or backslash in the path is a 400, in either case; in the query it is data', () => {
  for (const url of [
    'https://hooks.example.com/qlik/..%2fadmin',
    'https://hooks.example.com/qlik/..%2Fadmin',
    'https://hooks.example.com/qlik/..%5cadmin',
    'https://hooks.example.com/qlik/..%5Cadmin',
    'https://hooks.example.com/qlik/a%2F',
    'https://hooks.example.com/other%2f',
  ]) {
    assert.throws(() => allowedCallbackUrl(url, PREFIXES), /must not have an encoded slash or backslash \(%2F, %5C\) in its path/, url);
  }
  const next = 'https://hooks.example.com/qlik/done?next=https%3A%2F%2Fairflow%2Fdag%5Crun#a%2Fb';
  assert.equal(allowedCallbackUrl(next, PREFIXES), next);
  // %252F is an encoded "%", not a slash: decoded once it is the text "%2F".
  assert.equal(allowedCallbackUrl('https://hooks.example.com/qlik/a%252Fb', PREFIXES), 'https://hooks.example.com/qlik/a%252Fb');
});

test('with no prefixes configured, callbacks are off', () => {
  assert.throws(() => allowedCallbackUrl('https://hooks.example.com/qlik/', []), /callbacks are off/);
});

test('log lines show scheme, host and path, never the query', () => {
  assert.equal(loggableUrl('https://hooks.example.com/qlik/done?token=s3cret#x'), 'https://hooks.example.com/qlik/done');
});
