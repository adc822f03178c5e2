-- KiTraderBot schema, version 5 (PostgreSQL): refusals raised by the server.
--
-- A statement whose result the client does not wait for (update_position, a ledger entry whose id
-- is not needed) is sent in the same round trip as the COMMIT. If such a statement can change
-- nothing (no row, an entry that does not add up), it must fail on the server: the error aborts
-- the transaction, so the COMMIT queued behind it in the pipeline never runs and nothing is
-- written. Plain SQL cannot raise an error, so the statements call this function in the branch
-- that handles the refusal (never on the success path: no PL/pgSQL call per trade).
--
-- SQLSTATEs (class KT, our own): KT404 = a row does not exist (the client reports NotFound),
-- KT422 = the values are refused (the client reports Rejected). The message is the client's.
CREATE FUNCTION kt_refuse(p_sqlstate TEXT, p_message TEXT) RETURNS BIGINT
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  RAISE EXCEPTION USING ERRCODE = p_sqlstate, MESSAGE = p_message;
END;
$$;
