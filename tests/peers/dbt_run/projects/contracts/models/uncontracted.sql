{{ config(contract={'enforced': false}) }}
select label, qty * 2 as double_qty from {{ ref('items') }}
