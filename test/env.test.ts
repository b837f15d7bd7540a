import { addressKey } from '../api/http/rate-limits';
import { ConfigError, loadConfig } from '../config/env';

const load = (env: Record<string, string>) => loadConfig({ NODE_ENV: 'test', ...env });

describe('configuration of the edges: trusted proxies and the metrics port', () => {
  test('when ECHODESK_TRUST_PROXY is unset or empty, then no proxy is trusted', () => {
    expect(load({}).ECHODESK_TRUST_PROXY).toBe(false);
    expect(load({ ECHODESK_TRUST_PROXY: ' ' }).ECHODESK_TRUST_PROXY).toBe(false);
  });

  test('when ECHODESK_TRUST_PROXY is a hop count or a list of addresses, ranges and presets, then Express gets it as such', () => {
    expect(load({ ECHODESK_TRUST_PROXY: '1' }).ECHODESK_TRUST_PROXY).toBe(1);
    expect(
      load({ ECHODESK_TRUST_PROXY: 'loopback, 10.0.0.0/8,192.168.1.7, fd00::/8 ,uniquelocal' })
        .ECHODESK_TRUST_PROXY,
    ).toEqual(['loopback', '10.0.0.0/8', '192.168.1.7', 'fd00::/8', 'uniquelocal']);
  });

  test('when ECHODESK_TRUST_PROXY is anything else, then start-up fails naming the bad entries', () => {
    for (const bad of ['true', 'yes', '10.0.0.0/33', '300.1.1.1', 'loopback,proxy.local', '::1/129', '-1']) {
      expect(() => load({ ECHODESK_TRUST_PROXY: bad })).toThrow(ConfigError);
    }
    expect(() => load({ ECHODESK_TRUST_PROXY: 'loopback,proxy.local' })).toThrow(
      /ECHODESK_TRUST_PROXY: .*"proxy\.local"/,
    );
  });

  test('when the metrics port is not set, then it is 9464 on HOST; it may not be the public port', () => {
    expect(load({})).toMatchObject({ METRICS_PORT: 9464, metricsHost: '127.0.0.1' });
    expect(load({ HOST: '0.0.0.0' }).metricsHost).toBe('0.0.0.0');
    expect(load({ HOST: '0.0.0.0', METRICS_HOST: '127.0.0.1' }).metricsHost).toBe('127.0.0.1');
    expect(load({ PORT: '0', METRICS_PORT: '0' }).METRICS_PORT).toBe(0);
    expect(() => load({ PORT: '3000', METRICS_PORT: '3000' })).toThrow(/METRICS_PORT: must differ from PORT/);
    expect(() => load({ METRICS_PORT: 'nine' })).toThrow(/METRICS_PORT/);
  });

  test('when an address is bucketed, then IPv4 stays itself and IPv6 counts by its /64', () => {
    expect(addressKey('203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:0db8:0001:0002:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8::7')).toBe('2001:db8:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey(undefined)).toBe('unknown');
  });
});
