{% macro pivot(column, values, alias=true, agg='sum', cmp='=', prefix='', suffix='', then_value=1, else_value=0, quote_identifiers=true) %}
    {{ return(adapter.dispatch('pivot', 'shim_utils')(column, values, alias, agg, cmp, prefix, suffix, then_value, else_value, quote_identifiers)) }}
{% endmacro %}

{% macro default__pivot(column, values, alias, agg, cmp, prefix, suffix, then_value, else_value, quote_identifiers) %}
  {%- if agg not in ['sum', 'max', 'min', 'count'] -%}
    {{ exceptions.raise_compiler_error("pivot: unsupported aggregate '" ~ agg ~ "'") }}
  {%- endif -%}
  {% for value in values %}
    {{ agg }}(
      case
      when {{ column }} {{ cmp }} '{{ dbt.escape_single_quotes(value) }}'
        then {{ then_value }}
      else {{ else_value }}
      end
    )
    {%- if alias -%}
      {%- if quote_identifiers %}
        as {{ adapter.quote(prefix ~ value ~ suffix) }}
      {%- else %}
        as {{ shim_utils.slugify(prefix ~ value ~ suffix) }}
      {%- endif -%}
    {%- endif -%}
    {%- if not loop.last %},{% endif %}
  {% endfor %}
{% endmacro %}
