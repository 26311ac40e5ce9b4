/**
 * docker-compose.yml (QRS simulator) and docker-compose.qlik.yml (real Qlik Sense), checked
 * without a Docker engine: valid YAML, the services and named volumes the README documents,
 * nginx on the very template the nginx end-to-end test runs, and gateway config files the
 * service loads, trusting X-Forwarded-For from nginx's address only.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { BlockList } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import * as yaml from 'js-yaml';
import { loadSettings } from '../../src/config/index.js';
import { NGINX_TEMPLATE, placeholdersOf, renderTemplate } from '../helpers/nginx.js';
import { PROJECT_ROOT } from '../helpers/process.js';

type Mapping = Record<string, any>;

const SIMULATOR_FILE = 'docker-compose.yml';
const QLIK_FILE = 'docker-compose.qlik.yml';
const QLIK_ENV = {
  QLIK_SENSE_HOST: 'sense-central.example.invalid',
  QLIK_CERTS_DIR: './qlik-certs',
  STG_API_KEYS: '[{"name":"etl","key":"sha256:' + 'ab'.repeat(32) + '","scopes":["startTask"]}]',
};

const read = (file: string): string => readFileSync(join(PROJECT_ROOT, file), 'utf8');

/** Compose's YAML: anchors and `<<` merge keys apply. */
function parseCompose(file: string): Mapping {
  return yaml.load(read(file), { schema: yaml.CORE_SCHEMA.withTags(yaml.mergeTag) }) as Mapping;
}

/** Compose's interpolation of ${VAR}, ${VAR:-default} and ${VAR:?error} in every string. */
function interpolate(node: unknown, env: Readonly<Record<string, string>>): any {
  if (typeof node === 'string') {
    return node.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:[-?])([^}]*))?\}/g, (_whole, name: string, operator?: string, word?: string) => {
      const value = env[name];
      if (value !== undefined && value !== '') return value;
      if (operator === ':?') throw new Error(`${name}: ${word}`);
      return operator === ':-' ? (word ?? '') : '';
    });
  }
  if (Array.isArray(node)) return node.map((item) => interpolate(item, env));
  if (typeof node === 'object' && node !== null) {
    return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, interpolate(value, env)]));
  }
  return node;
}

/** `source:target[:mode]` short volume syntax. */
function mounts(service: Mapping): { source: string; target: string; mode?: string }[] {
  return (service.volumes as string[]).map((entry) => {
    const [source = '', target = '', mode] = entry.split(':');
    return { source, target, ...(mode === undefined ? {} : { mode }) };
  });
}

const isNamedVolume = (source: string): boolean => /^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(source);

const files = [
  { file: SIMULATOR_FILE, env: {}, services: ['gateway-1', 'gateway-2', 'nginx', 'qrs-simulator', 'redis'], volumes: ['qrs-certs', 'redis-data'] },
  { file: QLIK_FILE, env: QLIK_ENV, services: ['gateway-1', 'gateway-2', 'nginx', 'redis'], volumes: ['redis-data'] },
] as const;

for (const { file, env, services, volumes } of files) {
  test(`${file}: valid YAML with the services and named volumes the README documents`, () => {
    const compose = interpolate(parseCompose(file), env);
    assert.deepEqual(Object.keys(compose.services).sort(), [...services]);
    assert.deepEqual(Object.keys(compose.volumes).sort(), [...volumes]);
    const used = Object.values(compose.services as Mapping[])
      .flatMap((service) => mounts(service).map((mount) => mount.source))
      .filter(isNamedVolume);
    assert.deepEqual([...new Set(used)].sort(), [...volumes], 'named volumes used = named volumes declared');
    for (const service of Object.values(compose.services as Mapping[])) {
      for (const { source } of mounts(service)) {
        if (source.startsWith('./') && source !== './qlik-certs') assert.ok(existsSync(join(PROJECT_ROOT, source)), `${file} mounts a missing ${source}`);
      }
      for (const dependency of Object.keys(service.depends_on ?? {})) assert.ok(dependency in compose.services, dependency);
    }
    const readme = read('README.md');
    for (const name of [...services, ...volumes]) assert.ok(readme.includes(`| \`${name}\` |`), `README has no row for ${name}`);
    assert.ok(readme.includes(file), `README does not mention ${file}`);
  });

  test(`${file}: nginx renders the committed template (the one the nginx e2e test runs) onto both gateways`, () => {
    const compose = interpolate(parseCompose(file), env);
    const nginx = compose.services.nginx as Mapping;
    assert.deepEqual(
      mounts(nginx).find((mount) => mount.target.startsWith('/etc/nginx/templates/')),
      { source: `./${NGINX_TEMPLATE}`, target: '/etc/nginx/templates/default.conf.template', mode: 'ro' },
      'the template replaces the image default server (default.conf)',
    );
    const template = read(NGINX_TEMPLATE);
    const placeholders = placeholdersOf(template);
    assert.deepEqual(placeholders, ['STG_GATEWAY_1', 'STG_GATEWAY_2', 'STG_NGINX_LISTEN']);
    assert.ok(placeholders.every((name) => new RegExp(nginx.environment.NGINX_ENVSUBST_FILTER).test(name)));
    const rendered = renderTemplate(template, nginx.environment);
    const upstreams = [...rendered.matchAll(/^\s*server ([^;\s]+);/gm)].map((match) => match[1]);
    assert.deepEqual(upstreams, ['gateway-1:8080', 'gateway-2:8080']);
    assert.match(rendered, /^\s*listen 8080 default_server;/m);
    assert.ok(nginx.ports.every((port: string) => port.endsWith(':8080')), 'published ports reach the listen port');
    assert.match(rendered, /proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;/);
    const readTimeout = Number(/proxy_read_timeout (\d+)s;/.exec(rendered)?.[1]);
    const gatewayConfig = mounts(compose.services['gateway-1']).find((mount) => mount.target === '/config/butler.yaml')!;
    const { maxWaitSeconds } = loadSettings(join(PROJECT_ROOT, gatewayConfig.source), { env: compose.services['gateway-1'].environment ?? {} }).startTask;
    assert.ok(readTimeout > maxWaitSeconds, `nginx's proxy_read_timeout (${readTimeout} s) must outlast a wait=true of ${maxWaitSeconds} s`);
    for (const name of ['gateway-1', 'gateway-2']) assert.ok(Object.keys(nginx.depends_on).includes(name));
  });

  test(`${file}: both gateways load their config file as the service would, sharing Redis and trusting only nginx`, () => {
    const compose = interpolate(parseCompose(file), env);
    const [one, two] = [compose.services['gateway-1'], compose.services['gateway-2']] as Mapping[];
    const { networks: networksOne, ...restOne } = one!;
    const { networks: networksTwo, ...restTwo } = two!;
    assert.deepEqual(restOne, restTwo, 'the two replicas differ only in their network address');
    assert.notEqual(networksOne.backend.ipv4_address, networksTwo.backend.ipv4_address);

    const configMount = mounts(one!).find((mount) => mount.target === '/config/butler.yaml');
    assert.ok(configMount, 'the image reads /config/butler.yaml');
    const settings = loadSettings(join(PROJECT_ROOT, configMount.source), { env: one!.environment ?? {} });
    const nginxAddress = compose.services.nginx.networks.backend.ipv4_address as string;
    assert.deepEqual(settings.server.trustProxy, [nginxAddress]);
    const subnet = new BlockList();
    const [network, prefix] = (compose.networks.backend.ipam.config[0].subnet as string).split('/');
    subnet.addSubnet(network!, Number(prefix));
    for (const address of [nginxAddress, networksOne.backend.ipv4_address, networksTwo.backend.ipv4_address]) {
      assert.ok(subnet.check(address), `${address} is outside the compose network`);
    }
    assert.equal(settings.server.host, '0.0.0.0');
    assert.equal(settings.server.port, 8080);
    assert.equal(settings.keyValueStore.backend, 'redis');
    assert.equal(new URL(settings.keyValueStore.redis.url).hostname, 'redis');
    assert.ok(mounts(one!).some((mount) => mount.target === '/certs' && mount.mode === 'ro'), 'certificates mounted read-only at /certs');

    if (file === SIMULATOR_FILE) {
      const simulator = compose.services['qrs-simulator'] as Mapping;
      assert.equal(settings.qrs.host, 'qrs-simulator');
      const args = simulator.command as string[];
      assert.equal(settings.qrs.port, Number(args[args.indexOf('--port') + 1]));
      assert.equal(args[args.indexOf('--host') + 1], '0.0.0.0');
      assert.deepEqual(simulator.entrypoint, ['node', 'dist/src/simulator/cli.js']);
      assert.ok(existsSync(join(PROJECT_ROOT, 'src/simulator/cli.ts')), 'the entry point the image compiles');
      const certs = mounts(simulator).find((mount) => mount.source === 'qrs-certs');
      assert.equal(args[args.indexOf('--certs') + 1], certs?.target, 'the simulator writes its certificates into the shared volume');
      assert.equal(one!.depends_on['qrs-simulator'].condition, 'service_healthy', 'gateways wait for the certificates');
    } else {
      assert.equal(settings.qrs.host, QLIK_ENV.QLIK_SENSE_HOST);
      assert.equal(settings.qrs.rejectUnauthorized, true);
      assert.equal(settings.server.auth.enable, true);
      assert.deepEqual(settings.server.auth.apiKeys.map((key) => key.name), ['etl']);
      assert.equal(mounts(one!).find((mount) => mount.target === '/certs')?.source, QLIK_ENV.QLIK_CERTS_DIR);
    }
  });
}

test(`${QLIK_FILE}: refuses to start without the Sense host, the certificates or the API keys, and shares the rest with ${SIMULATOR_FILE}`, () => {
  const parsed = parseCompose(QLIK_FILE);
  for (const missing of Object.keys(QLIK_ENV)) {
    const env = Object.fromEntries(Object.entries(QLIK_ENV).filter(([name]) => name !== missing));
    assert.throws(() => interpolate(parsed, env), new RegExp(`^Error: ${missing}: set ${missing}`));
  }
  const qlik = interpolate(parsed, QLIK_ENV);
  const simulator = parseCompose(SIMULATOR_FILE);
  assert.deepEqual(qlik.services.nginx, { ...simulator.services.nginx, ports: qlik.services.nginx.ports });
  assert.deepEqual(qlik.services.redis, simulator.services.redis);
  assert.deepEqual(qlik.networks, simulator.networks);
  assert.notEqual(qlik.name, simulator.name, 'separate projects, or the Qlik setup would reuse the demo\'s Redis volume');
});
