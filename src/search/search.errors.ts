import { createError } from '../plugins/errors.ts'

export const EmptyQuestionError = createError('SEARCH_EMPTY_QUESTION', '问题不能为空，请输入要匹配的咨询问题', 400)
export const SearchTopicNotFoundError = createError('SEARCH_TOPIC_NOT_FOUND', '政策领域 %s 不存在', 404)
export const MatchNotFoundError = createError('SEARCH_MATCH_NOT_FOUND', '匹配记录 %s 不存在', 404)
export const FeedbackAlreadyGivenError = createError('SEARCH_FEEDBACK_ALREADY_GIVEN', '匹配记录 %s 已反馈过', 409)
export const FeedbackEntryNotFoundError = createError('SEARCH_ENTRY_NOT_FOUND', '问答条目 %s 不存在', 404)
export const SynonymNotFoundError = createError('SEARCH_SYNONYM_NOT_FOUND', '同义词 %s 不存在', 404)
export const SynonymTakenError = createError('SEARCH_SYNONYM_TAKEN', '同义词 %s 已存在', 409)
export const SynonymInvalidError = createError('SEARCH_SYNONYM_INVALID', '同义词无效：%s', 422)
export const DictionaryTermNotFoundError = createError('SEARCH_DICTIONARY_TERM_NOT_FOUND', '词典词条 %s 不存在', 404)
export const DictionaryTermTakenError = createError('SEARCH_DICTIONARY_TERM_TAKEN', '词典词条 %s 已存在', 409)
export const DictionaryTermInvalidError = createError('SEARCH_DICTIONARY_TERM_INVALID', '词典词条无效：%s', 422)
