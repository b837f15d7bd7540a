// Tests read assertions, not logs: the app logger goes quiet unless asked for.
process.env.LOG_LEVEL ??= 'silent';
