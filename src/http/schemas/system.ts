import Type from 'typebox';

export const PingResponse = Type.Object(
  {
    response: Type.String({ examples: ['Butler reporting for duty'] }),
    butlerVersion: Type.String({ description: 'Version of sense-task-gateway', examples: ['0.1.0'] }),
  },
  { description: 'The service is up and answering.' },
);

export const EndpointsEnabledResponse = Type.Array(Type.String(), {
  description: 'Config key names (under Butler.restServerEndpointsEnable) of the enabled endpoints, sorted.',
  examples: [['apiListEnabledEndpoints', 'butlerping', 'keyValueStore', 'metrics', 'senseStartTask']],
});

export const HealthResponse = Type.Object(
  { status: Type.Literal('ok') },
  { description: 'The process is alive. Depends on no configuration flag and on no backend.' },
);

const BackendReadiness = (name: string, example: string, reason: string) =>
  Type.Optional(
    Type.Object(
      {
        ready: Type.Boolean(),
        detail: Type.String({ examples: [example] }),
        checkedAt: Type.String({ format: 'date-time' }),
      },
      {
        description:
          `Only for callers with the admin scope, and only while ${name} is on: what it answered, or why it ` +
          `could not be asked (${reason}). Everyone else finds that in the log.`,
      },
    ),
  );

export const ReadinessResponse = Type.Object(
  {
    ready: Type.Boolean(),
    checkedAt: Type.String({ format: 'date-time', description: 'When the backends were last asked (the oldest of their probes).' }),
    qrs: BackendReadiness('QRS', 'QRS 14.20.3 answered', 'which names its host, port and the socket error'),
    qlikCloud: BackendReadiness('Qlik Cloud', 'Qlik Cloud answered', 'which names the call and the error'),
  },
  {
    description:
      'Whether a backend that is on answers: QRS (reachable, accepting the client certificate) or Qlik Cloud ' +
      '(reachable, accepting the credentials). With both on, one that fails does not make the service unready: ' +
      'its tasks fail alone. A backend that is off is never asked. The probe results are cached ' +
      '(Butler.configQRS.readinessCacheMs, for both), so polling this cannot hammer a backend.',
  },
);
