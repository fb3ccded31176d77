from enum import StrEnum


class ErrorName(StrEnum):
    BUDGETEXCEEDEDERROR = "BudgetExceededError"
    CONFIGURATIONERROR = "ConfigurationError"
    FORBIDDENERROR = "ForbiddenError"
    INTERNALSERVERERROR = "InternalServerError"
    METHODNOTALLOWEDERROR = "MethodNotAllowedError"
    NOTFOUNDERROR = "NotFoundError"
    PAYLOADTOOLARGEERROR = "PayloadTooLargeError"
    PROCESSERROR = "ProcessError"
    PROCESSPOOLLIMITERROR = "ProcessPoolLimitError"
    REQUESTHEADERFIELDSTOOLARGEERROR = "RequestHeaderFieldsTooLargeError"
    REQUESTNOTFOUNDERROR = "RequestNotFoundError"
    SESSIONNOTFOUNDERROR = "SessionNotFoundError"
    SESSIONQUEUEFULLERROR = "SessionQueueFullError"
    TEAMNOTFOUNDERROR = "TeamNotFoundError"
    TELLCYCLEERROR = "TellCycleError"
    TIMEOUTERROR = "TimeoutError"
    TOOMANYREQUESTSERROR = "TooManyRequestsError"
    UNAUTHORIZEDERROR = "UnauthorizedError"
    VALIDATIONERROR = "ValidationError"

    def __str__(self) -> str:
        return str(self.value)
