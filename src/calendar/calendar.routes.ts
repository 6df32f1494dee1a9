import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { errorResponses } from '../common/schemas.ts'
import type { CalendarService } from './calendar.service.ts'
import { DueQuery, DueSchema, PutYearBody, YearChangeSchema, YearParams, YearSchema, YearSummarySchema } from './calendar.schemas.ts'
import { pathId } from '../plugins/route-config.ts'

const tags = ['calendar']
const everyone = ['admin', 'agent', 'unit', 'reviewer', 'integration'] as const

export interface CalendarRoutesOptions {
  calendar: CalendarService
  /** Working days used by /calendar/due when the caller gives none (the configured ticket deadline). */
  defaultWorkingDays: number
}

export const calendarRoutes: FastifyPluginAsyncTypebox<CalendarRoutesOptions> = async (app, { calendar, defaultWorkingDays }) => {
  app.get('/calendar/due', {
    config: { roles: everyone },
    schema: {
      tags, operationId: 'explainDue', summary: '计算办理期限并说明跳过的非工作日',
      querystring: DueQuery,
      response: { 200: DueSchema, ...errorResponses(403) },
    },
  }, async (req) => calendar.explainDue(req.query.from ?? new Date(), req.query.days ?? defaultWorkingDays))

  app.get('/calendar', {
    config: { roles: everyone },
    schema: {
      tags, operationId: 'listCalendarYears', summary: '已有节假日安排的年份及其来源',
      response: { 200: Type.Object({ items: Type.Array(YearSummarySchema) }), ...errorResponses(403) },
    },
  }, async () => ({ items: calendar.listYears() }))

  app.get('/calendar/:year', {
    config: { roles: everyone },
    schema: {
      tags, operationId: 'getCalendarYear', summary: '查看某年生效的节假日安排及其来源',
      params: YearParams,
      response: { 200: YearSchema, ...errorResponses(403) },
    },
  }, async (req) => calendar.getYear(req.params.year))

  app.put('/calendar/:year', {
    config: { audit: { target: 'calendar', id: pathId('year') } },
    schema: {
      tags, operationId: 'putCalendarYear', summary: '录入或更新某年的节假日安排（覆盖数据包）',
      params: YearParams, body: PutYearBody,
      response: { 200: YearChangeSchema, ...errorResponses(403) },
    },
  }, async (req) => calendar.putYear(req.params.year, req.body, req.actor))

  app.delete('/calendar/:year', {
    config: { audit: { target: 'calendar', id: pathId('year') } },
    schema: {
      tags, operationId: 'deleteCalendarYear', summary: '删除管理员录入的某年安排，恢复使用数据包',
      params: YearParams,
      response: { 200: YearChangeSchema, ...errorResponses(403, 404) },
    },
  }, async (req) => calendar.deleteYear(req.params.year, req.actor))
}
