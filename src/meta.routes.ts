import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ROLES } from './auth/auth.types.ts'
import { errorResponses } from './common/schemas.ts'
import { CHANNELS } from './consultations/consultations.types.ts'
import { CHANNEL_LABELS, KIND_LABELS, REPLY_METHOD_LABELS } from './consultations/consultations.labels.ts'
import { TICKET_STATUS_LABELS, RATING_LABELS } from './tickets/tickets.labels.ts'

// The words for the API's codes, served so that the console shows what /tickets, /ledger and the
// exports show: it keeps no copy of its own. Each set is its owning module's one definition.

const LabelList = (description: string) => Type.Array(Type.Object({ value: Type.String(), label: Type.String() }), { description })

export const LabelsSchema = Type.Object({
  ticketStatus: LabelList('台账状态，按办理顺序'),
  channel: LabelList('受理渠道'),
  kind: LabelList('咨询类别'),
  replyMethod: LabelList('回复方式'),
  rating: LabelList('咨询人评价'),
})

const list = <K extends string>(labels: Readonly<Record<K, string>>, order: readonly K[] = Object.keys(labels) as K[]) =>
  order.map((value) => ({ value, label: labels[value] }))

/** The label sets, in the order a person picks from them. */
export const labelSets = () => ({
  ticketStatus: list(TICKET_STATUS_LABELS),
  channel: list(CHANNEL_LABELS, CHANNELS),
  kind: list(KIND_LABELS),
  replyMethod: list(REPLY_METHOD_LABELS),
  rating: list(RATING_LABELS),
})

export const metaRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const body = labelSets()
  app.get('/meta/labels', {
    config: { roles: ROLES },
    schema: { tags: ['system'], operationId: 'getLabels', summary: '状态、渠道等代码的中文名称（控制台与导出共用）', response: { 200: LabelsSchema, ...errorResponses() } },
  }, async () => body)
}
