select
    order_id,
    {{ dbt.hash('status') }} as status_hash,
    {{ dbt.concat(['status', "'/'", 'payment_method']) }} as status_method,
    {{ dbt.split_part('note', "'|'", 2) }} as note_part_2,
    {{ dbt.split_part(string_text='note', delimiter_text="'|'", part_number=-1) }} as note_last_part,
    {{ dbt.replace('payment_method', "'_'", "' '") }} as method_words,
    {{ dbt.length('status') }} as status_len,
    {{ dbt.position("'e'", 'status') }} as first_e,
    {{ dbt.right('status', 3) }} as status_tail,
    {{ dbt.cast_bool_to_text('is_gift') }} as is_gift_text,
    {{ dbt.string_literal('gift card') }} as quoted_literal,
    '{{ dbt.escape_single_quotes("O'Reilly") }}' as escaped,
    {{ dbt.cast('amount', dbt.type_float()) }} as amount_float,
    {{ dbt.equals('status', "'completed'") }} as is_completed
from {{ ref('orders') }}
