// RFC 6570 URI Templates: the expansion examples of RFC 6570 §3.2, levels 1-4, quoted verbatim.
import { describe, expect, it } from 'vitest';
import { compileTemplate, TemplateError } from '../../../src/rules/template';

// RFC 6570 §3.2 "Expression Expansion", the variables used by every example there.
const VARS: Record<string, unknown> = {
  count: ['one', 'two', 'three'],
  dom: ['example', 'com'],
  dub: 'me/too',
  hello: 'Hello World!',
  half: '50%',
  var: 'value',
  who: 'fred',
  base: 'http://example.com/home/',
  path: '/foo/bar',
  list: ['red', 'green', 'blue'],
  keys: { semi: ';', dot: '.', comma: ',' },
  v: '6',
  x: '1024',
  y: '768',
  empty: '',
  empty_keys: {},
  undef: undefined,
};

const expand = (template: string) => compileTemplate(template).expand((name) => VARS[name] as never);

describe('RFC 6570 expansion', () => {
  it.each([
    ['{var}', 'value'],
    ['{hello}', 'Hello%20World%21'],
    ['{half}', '50%25'],
    ['O{empty}X', 'OX'],
    ['O{undef}X', 'OX'],
    ['{x,y}', '1024,768'],
    ['{x,hello,y}', '1024,Hello%20World%21,768'],
    ['?{x,empty}', '?1024,'],
    ['?{x,undef}', '?1024'],
    ['{var:3}', 'val'],
    ['{var:30}', 'value'],
    ['{list}', 'red,green,blue'],
    ['{list*}', 'red,green,blue'],
    ['{keys}', 'semi,%3B,dot,.,comma,%2C'],
    ['{keys*}', 'semi=%3B,dot=.,comma=%2C'],
    ['{+var}', 'value'],
    ['{+hello}', 'Hello%20World!'],
    ['{+half}', '50%25'],
    ['{base}index', 'http%3A%2F%2Fexample.com%2Fhome%2Findex'],
    ['{+base}index', 'http://example.com/home/index'],
    ['{+path}/here', '/foo/bar/here'],
    ['here?ref={+path}', 'here?ref=/foo/bar'],
    ['{+path:6}/here', '/foo/b/here'],
    ['{+keys*}', 'semi=;,dot=.,comma=,'],
    ['{#var}', '#value'],
    ['{#hello}', '#Hello%20World!'],
    ['{#path:6}/here', '#/foo/b/here'],
    ['{#list*}', '#red,green,blue'],
    ['X{.var}', 'X.value'],
    ['X{.x,y}', 'X.1024.768'],
    ['{.dom*}', '.example.com'],
    ['X{.list*}', 'X.red.green.blue'],
    ['X{.empty_keys}', 'X'],
    ['{/who}', '/fred'],
    ['{/who,who}', '/fred/fred'],
    ['{/half,who}', '/50%25/fred'],
    ['{/who,dub}', '/fred/me%2Ftoo'],
    ['{/var,empty}', '/value/'],
    ['{/var,undef}', '/value'],
    ['{/var,x}/here', '/value/1024/here'],
    ['{/var:1,var}', '/v/value'],
    ['{/list*}', '/red/green/blue'],
    ['{/list*,path:4}', '/red/green/blue/%2Ffoo'],
    ['{/keys*}', '/semi=%3B/dot=./comma=%2C'],
    ['{;who}', ';who=fred'],
    ['{;half}', ';half=50%25'],
    ['{;empty}', ';empty'],
    ['{;v,empty,who}', ';v=6;empty;who=fred'],
    ['{;v,bar,who}', ';v=6;who=fred'],
    ['{;x,y}', ';x=1024;y=768'],
    ['{;x,y,empty}', ';x=1024;y=768;empty'],
    ['{;list*}', ';list=red;list=green;list=blue'],
    ['{;keys*}', ';semi=%3B;dot=.;comma=%2C'],
    ['{?who}', '?who=fred'],
    ['{?half}', '?half=50%25'],
    ['{?x,y}', '?x=1024&y=768'],
    ['{?x,y,empty}', '?x=1024&y=768&empty='],
    ['{?list}', '?list=red,green,blue'],
    ['{?list*}', '?list=red&list=green&list=blue'],
    ['{?keys*}', '?semi=%3B&dot=.&comma=%2C'],
    ['?fixed=yes{&x}', '?fixed=yes&x=1024'],
    ['{&x,y,empty}', '&x=1024&y=768&empty='],
    ['{&list*}', '&list=red&list=green&list=blue'],
  ])('%s → %s', (template, expected) => {
    expect(expand(template)).toBe(expected);
  });

  it('reads dotted variable names and lists every variable a template uses', () => {
    const template = compileTemplate('/{locale}/blog/{fields.slug}{?page}');
    expect(template.variables).toEqual(['locale', 'fields.slug', 'page']);
    expect(template.expand((n) => ({ locale: 'de', 'fields.slug': 'grüße', page: 2 })[n] as never)).toBe(
      '/de/blog/gr%C3%BC%C3%9Fe?page=2',
    );
  });

  it('encodes literals outside the allowed set and keeps existing percent-escapes', () => {
    expect(compileTemplate('/caf\u00e9/a%20b').expand(() => undefined)).toBe('/caf%C3%A9/a%20b');
  });

  it.each([['/{unclosed'], ['/a}b'], ['/{bad name}'], ['/{=x}']])('rejects %s', (template) => {
    expect(() => compileTemplate(template)).toThrow(TemplateError);
  });
});
