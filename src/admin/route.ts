// The admin API under /admin, every route behind the bearer token.
import { Hono } from '../lib/hono';
import { requireAdmin, type AdminEnv } from './auth';
import { activityRoutes } from './activity';
import { configRoutes } from './config';
import { versionRoutes } from './config-versions';
import { deliveryRoutes } from './deliveries';
import { doctorRoutes } from './doctor';
import { memoryRoutes } from './memory';
import { notificationRoutes } from './notifications';
import { pathRoutes } from './paths';
import { previewRoutes } from './preview';
import { schedulerRoutes } from './scheduler';
import { sourceRoutes } from './sources';
import { tagRoutes } from './tags';

export const adminRoutes = new Hono<AdminEnv>()
  .use('*', requireAdmin)
  .route('/', configRoutes)
  .route('/', versionRoutes)
  .route('/', memoryRoutes)
  .route('/', previewRoutes)
  .route('/', schedulerRoutes)
  .route('/', tagRoutes)
  .route('/', pathRoutes)
  .route('/', deliveryRoutes)
  .route('/', notificationRoutes)
  .route('/', activityRoutes)
  .route('/', sourceRoutes)
  .route('/', doctorRoutes);
