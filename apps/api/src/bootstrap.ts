import 'reflect-metadata';
import { type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app/app.module';
import { apiValidationPipe } from './app/common/validation.pipe';

export function buildOpenApi(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Gauntlet API')
    .setDescription('Backtests, research jobs and their reports. Long-running work runs as durable jobs.')
    .setVersion('0.1.0')
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      description: 'A JWT from POST /api/auth/login, or an API key',
    })
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key' }, 'api-key')
    .build();
  return SwaggerModule.createDocument(app, config);
}

export async function createApp(options: { logger?: false } = {}): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule, {
    logger: options.logger === false ? false : ['log', 'warn', 'error'],
    abortOnError: false,
  });
  app.setGlobalPrefix('api');
  app.useGlobalPipes(apiValidationPipe);
  app.enableShutdownHooks();
  const document = buildOpenApi(app);
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/openapi.json' });
  return app;
}
