def _is_float(v):
    try:
        float(v); return True
    except (TypeError, ValueError):
        return False

class MetaDataItem(dict):
    def __init__(self, *args):
        dict.__init__(self, *args)
        for k in ('onset', 'offset'):
            if k in self:
                self[k] = float(self[k]) if _is_float(self[k]) else None
        if 'event_label' in self and isinstance(self['event_label'], str):
            self['event_label'] = self['event_label'].strip()
            if self['event_label'].lower() == 'none' or self['event_label'] == '':
                self['event_label'] = None
    @property
    def offset(self):
        return self.get('offset')

class MetaDataContainer(list):
    def __init__(self, *args):
        list.__init__(self, *args)
        for i, it in enumerate(self):
            if not isinstance(it, MetaDataItem):
                self[i] = MetaDataItem(it)
    def append(self, it):
        list.append(self, it if isinstance(it, MetaDataItem) else MetaDataItem(it))
    @property
    def unique_files(self):
        out = []
        for it in self:
            if 'filename' in it and it['filename'] not in out: out.append(it['filename'])
        return out
    @property
    def max_offset(self):
        m = 0
        for it in self:
            if 'offset' in it and it.offset > m: m = it.offset
        return m
    def filter(self, event_label=None, **kw):
        return MetaDataContainer([it for it in self if it.get('event_label') == event_label])
