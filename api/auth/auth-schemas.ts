import { z } from 'zod';

export const LoginBody = z.strictObject({
  username: z.string().trim().min(1).max(40),
  password: z.string().min(1).max(200),
});
