{{ config(materialized='view') }}
/* the same ephemeral referenced twice:
   dbt injects its CTE only once */

WITH refunds AS (
    SELECT * FROM {{ ref('eph_payment_flags') }} WHERE is_refund
)
SELECT
    r.payment_id AS refund_id,
    p.payment_id AS original_id
FROM refunds AS r
JOIN {{ ref('eph_payment_flags') }} AS p
    ON r.account_id = p.account_id
   AND p.paid_at < r.paid_at
   AND NOT p.is_refund
