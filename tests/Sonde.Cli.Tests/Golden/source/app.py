import json


def main():
    data = load()
    for _ in range(10):
        work(data)
    json.dumps(data)


def work(data):
    total = 0
    for item in data:
        total += compute(item)
    return total


def compute(item):
    return item * item


def hook(obj):
    return obj
