"""Regenerates test/fixtures/sed-eval-expected.json with the reference implementation, sed_eval 0.2.1.

Usage (from the repository root, with a checkout of TUT-ARG/sed_eval at tag v0.2.1 and numpy installed):
    PYTHONPATH=/path/to/sed_eval:scripts/sed-eval-reference python3 scripts/sed-eval-reference/make_fixture.py

sed_eval imports dcase_util only for its metadata containers; scripts/sed-eval-reference/dcase_util is a minimal
stand-in with just what sed_eval.sound_event uses, so that dcase_util (and its many dependencies) is not needed.
The metrics are driven as the DCASE task 4 baselines drive them: class list = union of labels on both sides, files =
the reference's files, event-based with t_collar 0.2, percentage_of_length 0.2 and zero-score handling, segment-based
with 1 s segments. test/metrics-sed-eval.test.ts compares our metrics with this file value for value.
"""
import json
import math
import platform

import numpy
import sed_eval
import sed_eval.sound_event as se

CASES = 'test/fixtures/sed-eval-cases.json'
EXPECTED = 'test/fixtures/sed-eval-expected.json'


def rows(table, filename):
    return [{'filename': e['file'], 'onset': e['onsetSec'], 'offset': e['offsetSec'], 'event_label': e['label']}
            for e in table['events'] if e['file'] == filename]


def as_number(x):
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def family(metrics):
    overall = metrics.results_overall_metrics()
    average = metrics.results_class_wise_average_metrics()
    class_wise = metrics.results_class_wise_metrics()
    return {
        'f1_micro': as_number(overall['f_measure']['f_measure']),
        'precision_micro': as_number(overall['f_measure']['precision']),
        'recall_micro': as_number(overall['f_measure']['recall']),
        'error_rate_micro': as_number(overall['error_rate']['error_rate']),
        'f1_macro': as_number(average['f_measure']['f_measure']),
        'precision_macro': as_number(average['f_measure']['precision']),
        'recall_macro': as_number(average['f_measure']['recall']),
        'error_rate_macro': as_number(average['error_rate']['error_rate']),
        'class_wise': {label: {'f1': as_number(v['f_measure']['f_measure']),
                               'precision': as_number(v['f_measure']['precision']),
                               'recall': as_number(v['f_measure']['recall']),
                               'error_rate': as_number(v['error_rate']['error_rate'])}
                       for label, v in sorted(class_wise.items())},
    }


def main():
    cases = json.load(open(CASES))['cases']
    results = []
    for case in cases:
        ref, est = case['reference'], case['estimate']
        classes = sorted({e['label'] for e in ref['events']} | {e['label'] for e in est['events']})
        event_based = se.EventBasedMetrics(event_label_list=classes, t_collar=0.2, percentage_of_length=0.2,
                                           empty_system_output_handling='zero_score')
        segment_based = se.SegmentBasedMetrics(event_label_list=classes, time_resolution=1.0)
        for filename in ref['files']:
            event_based.evaluate(rows(ref, filename), rows(est, filename))
            segment_based.evaluate(rows(ref, filename), rows(est, filename))
        results.append({'event_based': family(event_based), 'segment_based': family(segment_based),
                        'subs': event_based.overall['Nsubs']})
    out = {'generated_by': 'scripts/sed-eval-reference/make_fixture.py',
           'sed_eval': getattr(sed_eval, '__version__', '0.2.1'), 'python': platform.python_version(),
           'numpy': numpy.__version__, 'dcase_util': 'minimal stand-in in scripts/sed-eval-reference/dcase_util',
           'results': results}
    json.dump(out, open(EXPECTED, 'w'), separators=(',', ':'))


if __name__ == '__main__':
    main()
