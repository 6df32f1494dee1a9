import { createError } from '../plugins/errors.ts'

export const CalendarInvalidError = createError('CALENDAR_INVALID', '%s 年的日历数据有误', 400)
export const CalendarYearNotLoadedError = createError('CALENDAR_YEAR_NOT_LOADED', '%s 年没有管理员录入的日历（正在使用 chinese-days 数据包，或暂按周一至周五及法定节日计算）', 404)
export const CalendarInvalidDateError = createError('CALENDAR_INVALID_DATE', '日期或时间不合法：%s', 400)
