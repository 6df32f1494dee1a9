import { Type } from '@fastify/type-provider-typebox'
import { DateTime, IsoDate, Nullable, Text, Url } from '../common/schemas.ts'

export const YearParams = Type.Object({ year: Type.Integer({ minimum: 2000, maximum: 2099, description: '公历年份' }) })

const NamedDayInput = Type.Object({
  date: IsoDate,
  name: Text(50, { description: '节日名称，如 国庆节' }),
}, { additionalProperties: false })

export const PutYearBody = Type.Object({
  holidays: Type.Array(NamedDayInput, { minItems: 1, maxItems: 100, description: '放假日（可含周末）' }),
  workdays: Type.Array(NamedDayInput, { maxItems: 30, description: '调休上班日（须为周六或周日）' }),
  sourceUrl: Url,
}, { additionalProperties: false, title: '一年的节假日安排' })

const NamedDay = Type.Object({ date: Type.String(), name: Type.String() })
const Source = Type.Union([Type.Literal('table'), Type.Literal('package'), Type.Literal('none')], {
  description: 'table：管理员录入；package：chinese-days 数据包；none：尚无公布的安排，暂按周一至周五及法定节日计算（临时）',
})

const YearSummaryProps = {
  year: Type.Integer(),
  source: Source,
  provisional: Type.Boolean({ description: '该年尚无公布的节假日安排，期限按周一至周五（除去法定节日）临时计算' }),
  sourceUrl: Nullable(Type.String()),
  updatedAt: Nullable(Type.String()),
  packageHasYear: Type.Boolean({ description: 'chinese-days 数据包是否含该年' }),
}

export const YearSummarySchema = Type.Object(YearSummaryProps, { title: '日历年份（概要）' })

export const YearSchema = Type.Object({
  ...YearSummaryProps,
  holidays: Type.Array(NamedDay),
  workdays: Type.Array(NamedDay),
}, { title: '日历年份' })

export const YearChangeSchema = Type.Object({
  ...YearSchema.properties,
  changed: Type.Boolean({ description: '哪些日子放假或上班是否有变化（有变化时重算所有未办结工单的办理期限）' }),
  changes: Type.Object({
    holidaysAdded: Type.Array(Type.String()),
    holidaysRemoved: Type.Array(Type.String()),
    workdaysAdded: Type.Array(Type.String()),
    workdaysRemoved: Type.Array(Type.String()),
    renamed: Type.Array(Type.String(), { description: '仅名称变化的日期' }),
  }),
}, { title: '日历年份变更结果' })

export const DueQuery = Type.Object({
  from: Type.Optional(DateTime('受理时间，默认当前时间')),
  days: Type.Optional(Type.Integer({ minimum: 1, maximum: 60, description: '工作日数，默认按配置（一般为 5）' })),
}, { additionalProperties: false })

export const DueSchema = Type.Object({
  dueAt: Type.String({ description: '办理期限：第 N 个工作日 23:59:59（北京时间），以 UTC 表示' }),
  provisional: Type.Boolean({ description: '期限跨入尚无公布安排的年份，按周一至周五（除去法定节日）临时计算' }),
  skipped: Type.Array(Type.Object({ date: Type.String(), reason: Type.String() }), { description: '跳过的非工作日及原因' }),
  receivedAt: Type.String(),
  receivedDate: Type.String({ description: '受理当日（北京时间），不计入期限' }),
  workingDays: Type.Integer(),
  dueDate: Type.String({ description: '期限所在日期（北京时间）' }),
  countedDays: Type.Array(Type.String(), { description: '计入的工作日' }),
}, { title: '办理期限说明' })
