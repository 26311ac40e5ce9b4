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

export const ReadinessResponse = Type.Object(
  {
    ready: Type.Boolean(),
    checkedAt: Type.String({ format: 'date-time', description: 'When QRS was last asked.' }),
    qrs: Type.Optional(
      Type.Object(
        {
          ready: Type.Boolean(),
          detail: Type.String({ examples: ['QRS 14.20.3 answered'] }),
          checkedAt: Type.String({ format: 'date-time' }),
        },
        {
          description:
            'Only for callers with the admin scope: what QRS answered, or why it could not be asked ' +
            '(which names its host, port and the socket error). Everyone else finds that in the log.',
        },
      ),
    ),
  },
  {
    description:
      'Whether QRS is reachable and accepts the client certificate. The probe result is cached ' +
      '(Butler.configQRS.readinessCacheMs), so polling this cannot hammer QRS.',
  },
);
