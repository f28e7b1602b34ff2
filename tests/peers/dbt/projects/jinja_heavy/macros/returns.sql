{% macro site_list() %}
    {{ return(var('sensor_config')['sites'] | sort) }}
{% endmacro %}

{% macro metric_spec() %}
    {%- set spec = {} -%}
    {%- for metric, unit in var('sensor_config')['units'].items() -%}
        {%- do spec.update({metric: {'unit': unit, 'limit': var('sensor_config')['thresholds'].get(metric, 0)}}) -%}
    {%- endfor -%}
    {{ return(spec) }}
{% endmacro %}

{% macro typed_label(value) -%}
    {%- if value is none -%}none
    {%- elif value is string -%}string
    {%- elif value is mapping -%}mapping
    {%- elif value is number -%}number
    {%- elif value is sequence -%}sequence
    {%- else -%}other
    {%- endif -%}
{%- endmacro %}
