import Type from 'typebox';

/** The one error shape every route answers with (see src/http/error-handler.ts); the description says when. */
export function errorResponse(description: string) {
  return Type.Object(
    {
      statusCode: Type.Integer({ examples: [400] }),
      error: Type.String({ examples: ['Bad Request'] }),
      message: Type.String(),
      code: Type.Optional(Type.String({ description: "The service's error code, e.g. ERR_BAD_REQUEST" })),
    },
    { description },
  );
}
